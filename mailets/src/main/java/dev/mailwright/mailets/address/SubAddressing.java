package dev.mailwright.mailets.address;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;

import com.google.common.collect.ImmutableSet;

import reactor.core.publisher.Mono;

/**
 * Subaddressing (RFC 5233): {@code user+tag@domain} is delivered to {@code user@domain} when that is a local user
 * (and {@code user+tag} itself is not), and, with {@code toFolder}, into the user's folder {@code tag} when that
 * folder exists (INBOX otherwise; a sender cannot create folders). Parameters: {@code separator} ({@code +}),
 * {@code toFolder} ({@code true}).
 */
public class SubAddressing extends GenericMailet {
    private static final Set<String> PARAMETERS = ImmutableSet.of("separator", "toFolder");

    private final MailboxManager mailboxes;
    private String separator;
    private boolean toFolder;

    @Inject
    public SubAddressing(MailboxManager mailboxes) {
        this.mailboxes = mailboxes;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        separator = getInitParameter("separator", "+");
        if (separator.isEmpty()) {
            throw new MessagingException(getMailetName() + ": separator must not be empty");
        }
        toFolder = getInitParameter("toFolder", true);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        List<MailAddress> recipients = new ArrayList<>();
        boolean changed = false;
        for (MailAddress recipient : mail.getRecipients()) {
            Optional<Tagged> tagged = tagged(recipient);
            if (tagged.isPresent()) {
                recipients.add(tagged.get().user());
                changed = true;
                if (toFolder) {
                    fileInto(mail, tagged.get());
                }
            } else {
                recipients.add(recipient);
            }
        }
        if (changed) {
            mail.setRecipients(recipients);
        }
    }

    private record Tagged(MailAddress user, String tag) {
    }

    private Optional<Tagged> tagged(MailAddress recipient) throws MessagingException {
        String local = recipient.getLocalPart();
        int at = local.indexOf(separator);
        if (at <= 0 || at + separator.length() >= local.length()
            || !getMailetContext().isLocalServer(recipient.getDomain())
            || getMailetContext().isLocalEmail(recipient)) {
            return Optional.empty();
        }
        MailAddress user = new MailAddress(local.substring(0, at), recipient.getDomain());
        if (!getMailetContext().isLocalEmail(user)) {
            return Optional.empty();
        }
        return Optional.of(new Tagged(user, local.substring(at + separator.length())));
    }

    private void fileInto(Mail mail, Tagged tagged) {
        Username username = Username.of(tagged.user().asString().toLowerCase(Locale.ROOT));
        MailboxSession session = mailboxes.createSystemSession(username);
        try {
            Boolean exists = Mono.from(mailboxes.mailboxExists(MailboxPath.forUser(username, tagged.tag()), session)).block();
            if (Boolean.TRUE.equals(exists)) {
                StorageDirective.builder().targetFolder(tagged.tag()).build()
                    .encodeAsAttributes(username)
                    .forEach(mail::setAttribute);
            }
        } finally {
            mailboxes.endProcessingRequest(session);
        }
    }
}
