package dev.mailwright.mailets.address;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.mail.MessagingException;
import javax.mail.internet.AddressException;

import org.apache.james.core.MailAddress;
import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import com.google.common.collect.ImmutableSet;

/**
 * Journaling: a copy of every mail sent from or to a listed domain goes, unchanged and with its original envelope
 * sender, to the domain's archive address (once per mail, even with several recipients of the domain). Parameter
 * {@code journal}: comma-separated {@code domain=archive-address} pairs; empty = off. The copies are marked so they
 * are not journaled again.
 */
public class Journaling extends GenericMailet {
    static final AttributeName JOURNAL_COPY = AttributeName.of("dev.mailwright.journal-copy");
    private static final Set<String> PARAMETERS = ImmutableSet.of("journal");

    private final Map<String, MailAddress> archives = new HashMap<>();

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        for (String pair : getInitParameter("journal", "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            String[] parts = pair.strip().split("=", 2);
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new MessagingException(getMailetName() + ": journal entries are domain=address, not '" + pair.strip() + "'");
            }
            try {
                archives.put(parts[0].strip().toLowerCase(Locale.ROOT), new MailAddress(parts[1].strip()));
            } catch (AddressException e) {
                throw new MessagingException(getMailetName() + ": bad archive address " + parts[1].strip(), e);
            }
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (archives.isEmpty() || mail.getAttribute(JOURNAL_COPY).isPresent()) {
            return;
        }
        List<MailAddress> targets = new ArrayList<>();
        mail.getMaybeSender().asOptional().flatMap(this::archiveOf).ifPresent(targets::add);
        for (MailAddress recipient : mail.getRecipients()) {
            archiveOf(recipient).filter(archive -> !targets.contains(archive)).ifPresent(targets::add);
        }
        if (targets.isEmpty()) {
            return;
        }
        Mail copy = mail.duplicate();
        try {
            copy.setName(mail.getName() + "-journal");
            copy.setRecipients(targets);
            copy.setAttribute(new Attribute(JOURNAL_COPY, AttributeValue.of(true)));
            getMailetContext().sendMail(copy);
        } finally {
            LifecycleUtil.dispose(copy);
        }
    }

    private Optional<MailAddress> archiveOf(MailAddress address) {
        return Optional.ofNullable(archives.get(address.getDomain().asString().toLowerCase(Locale.ROOT)));
    }
}
