package dev.mailwright.mailets.address;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import com.google.common.collect.ImmutableSet;

/**
 * Role addresses every domain must have: {@code postmaster@} (RFC 5321 section 4.5.1) and {@code abuse@}
 * (RFC 2142) of each local domain go to the server's postmaster ({@code <postmaster>} of the mailet container),
 * unless the address is a user or has an alias of its own, which then wins. Replaces James's
 * {@code PostmasterAlias}, which knows postmaster only. Put it first in the root processor, before aliases are
 * resolved, so that the postmaster address's own aliases apply.
 *
 * <p>Parameter {@code roles}: the local parts (comma separated, case-insensitive), default {@code postmaster, abuse}.
 * The SMTP server accepts these addresses at RCPT ({@code ValidRecipientHandler}).
 */
public class RoleAccounts extends GenericMailet {
    private static final Set<String> PARAMETERS = ImmutableSet.of("roles");

    private Set<String> roles = Set.of();

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        roles = Arrays.stream(getInitParameter("roles", "postmaster, abuse").split(","))
            .map(role -> role.strip().toLowerCase(Locale.ROOT))
            .filter(role -> !role.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Set<MailAddress> recipients = new LinkedHashSet<>();
        boolean changed = false;
        for (MailAddress recipient : mail.getRecipients()) {
            if (isUnclaimedRoleAddress(recipient)) {
                recipients.add(getMailetContext().getPostmaster());
                changed = true;
            } else {
                recipients.add(recipient);
            }
        }
        if (changed) {
            mail.setRecipients(recipients);
        }
    }

    private boolean isUnclaimedRoleAddress(MailAddress address) {
        return roles.contains(address.getLocalPart().toLowerCase(Locale.ROOT))
            && getMailetContext().isLocalServer(address.getDomain())
            && !getMailetContext().isLocalEmail(address);
    }

    @Override
    public String getMailetInfo() {
        return "Mailwright role addresses (postmaster, abuse)";
    }
}
