package dev.mailwright.smtp.rcpt;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.mail.internet.AddressException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.smtpserver.fastfail.ValidRcptHandler;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;

/**
 * James's recipient validation ({@code 550 5.1.1 Unknown user} at RCPT for our domains: users and aliases), plus
 * the addresses our mailets deliver that James does not know about:
 * <ul>
 *   <li>subaddresses: {@code user+tag@domain} is valid when {@code user@domain} is ({@code SubAddressing} mailet);</li>
 *   <li>catch-all domains: every address of a domain listed in {@code catchAllDomains} is valid ({@code CatchAll}
 *       mailet, which must name the same domains);</li>
 *   <li>role addresses: {@code postmaster@} (RFC 5321 section 4.5.1) and {@code abuse@} (RFC 2142) of every local
 *       domain are always valid; the {@code RoleAccounts} mailet delivers them to the postmaster account unless a
 *       user or an alias of that address exists.</li>
 * </ul>
 * When the users or aliases cannot be read (the database is down), the recipient is told to come back later with
 * {@code 451 4.3.0} (James answers {@code 451 4.0.0 Unexpected error}).
 */
public class ValidRecipientHandler extends ValidRcptHandler {
    /** Local parts every local domain must accept (case-insensitive), RFC 5321 section 4.5.1 and RFC 2142. */
    public static final Set<String> ROLE_ADDRESSES = Set.of("postmaster", "abuse");

    private String separator = "+";
    private Set<String> catchAllDomains = Set.of();

    @Inject
    public ValidRecipientHandler(UsersRepository users, RecipientRewriteTable recipientRewriteTable, DomainList domains) {
        super(users, recipientRewriteTable, domains);
    }

    @Override
    public void init(Configuration config) throws ConfigurationException {
        super.init(config);
        separator = config.getString("subaddressSeparator", "+").strip();
        catchAllDomains = Arrays.stream(config.getString("catchAllDomains", "").split("[,\\s]+"))
            .map(domain -> domain.strip().toLowerCase(Locale.ROOT))
            .filter(domain -> !domain.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
        HookResult result = super.doRcpt(session, sender, rcpt);
        if (result.getResult().getAction() != HookReturnCode.Action.DENYSOFT) {
            return result;
        }
        // James's only soft refusal here: the lookup failed (logged by James with its cause)
        return HookResult.builder()
            .hookReturnCode(HookReturnCode.denySoft())
            .smtpReturnCode(SMTPRetCode.LOCAL_ERROR)
            .smtpDescription("4.3.0 Cannot check " + rcpt.asString() + " at the moment, try again later")
            .build();
    }

    @Override
    protected boolean isValidRecipient(SMTPSession session, MailAddress recipient)
        throws UsersRepositoryException, RecipientRewriteTableException {
        if (catchAllDomains.contains(recipient.getDomain().asString())
            || ROLE_ADDRESSES.contains(recipient.getLocalPart().toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (super.isValidRecipient(session, recipient)) {
            return true;
        }
        String localPart = recipient.getLocalPart();
        int tag = separator.isEmpty() ? -1 : localPart.indexOf(separator);
        if (tag <= 0) {
            return false;
        }
        try {
            return super.isValidRecipient(session, new MailAddress(localPart.substring(0, tag), recipient.getDomain()));
        } catch (AddressException e) {
            return false;
        }
    }
}
