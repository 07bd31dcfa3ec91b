package dev.mailwright.mailets.address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import com.google.common.collect.ImmutableSet;

/**
 * Catch-all per domain: a recipient of a listed local domain that is no user here (after aliases) goes to the
 * domain's catch-all address. Parameter {@code catchAll}: comma-separated {@code domain=address} pairs; empty = off.
 * The SMTP server must accept unknown users of such a domain at RCPT for mail from outside to get here.
 */
public class CatchAll extends GenericMailet {
    private static final Set<String> PARAMETERS = ImmutableSet.of("catchAll");

    private final Map<String, MailAddress> targets = new HashMap<>();

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        for (String pair : getInitParameter("catchAll", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.strip().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new MessagingException(getMailetName() + ": catchAll entries are domain=address, not '" + pair.strip() + "'");
            }
            try {
                targets.put(parts[0].strip().toLowerCase(Locale.ROOT), new MailAddress(parts[1].strip()));
            } catch (AddressException e) {
                throw new MessagingException(getMailetName() + ": bad catch-all address " + parts[1].strip(), e);
            }
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (targets.isEmpty()) {
            return;
        }
        List<MailAddress> recipients = new ArrayList<>();
        boolean changed = false;
        for (MailAddress recipient : mail.getRecipients()) {
            MailAddress target = targets.get(recipient.getDomain().asString().toLowerCase(Locale.ROOT));
            if (target != null && !getMailetContext().isLocalEmail(recipient)) {
                if (!recipients.contains(target)) {
                    recipients.add(target);
                }
                changed = true;
            } else if (!recipients.contains(recipient)) {
                recipients.add(recipient);
            }
        }
        if (changed) {
            mail.setRecipients(recipients);
        }
    }
}
