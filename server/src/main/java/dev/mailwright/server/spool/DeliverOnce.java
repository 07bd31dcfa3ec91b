package dev.mailwright.server.spool;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageManager.MailboxMetaData.FetchGroup;
import org.apache.james.mailbox.MessageManager.MailboxMetaData.RecentMode;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.collect.ImmutableSet;

/**
 * Local delivery exactly once, also after a crash: placed just before {@code LocalDelivery}, it writes the spool's id
 * of the mail into the message ({@value #HEADER}, replacing any such header that came with it) and, for a mail the
 * spooler processed before ({@link MailSpooler}: the server went down while processing it, or its processing failed
 * and is retried), drops the recipients whose mailboxes already hold a message with that id. Without it, a
 * {@code kill -9} between the mailbox write and the spool's acknowledgement delivered the mail twice.
 *
 * <p>The lookup reads the headers of the {@code recentMessages} (default 1000) newest messages of each of the
 * recipient's folders; it runs only for mails processed before, i.e. after a crash or a failure.
 */
public class DeliverOnce extends GenericMailet {
    /** The spool's name of the mail being processed, set by the spooler, kept by the copies a split makes. */
    public static final AttributeName SPOOL_ID = AttributeName.of("dev.mailwright.spool.id");
    /** Set by the spooler when this mail's processing started before (and may have delivered it in part). */
    public static final AttributeName PROCESSED_BEFORE = AttributeName.of("dev.mailwright.spool.processedBefore");
    public static final String HEADER = "X-Mailwright-Spool-Id";
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliverOnce.class);
    private static final Set<String> PARAMETERS = ImmutableSet.of("recentMessages");

    private final MailboxManager mailboxes;
    private final UsersRepository users;
    private int recentMessages;

    @Inject
    public DeliverOnce(MailboxManager mailboxes, UsersRepository users) {
        this.mailboxes = mailboxes;
        this.users = users;
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(PARAMETERS);
        try {
            recentMessages = Integer.parseInt(getInitParameter("recentMessages", "1000").strip());
        } catch (NumberFormatException e) {
            recentMessages = 0;
        }
        if (recentMessages < 1) {
            throw new MessagingException(getMailetName() + ": recentMessages must be at least 1");
        }
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        Optional<String> id = mail.getAttribute(SPOOL_ID).flatMap(attribute -> attribute.getValue().valueAs(String.class));
        if (id.isEmpty()) {
            return;
        }
        boolean processedBefore = mail.getAttribute(PROCESSED_BEFORE)
            .flatMap(attribute -> attribute.getValue().valueAs(Boolean.class)).orElse(false);
        if (processedBefore) {
            List<MailAddress> remaining = new ArrayList<>();
            for (MailAddress recipient : mail.getRecipients()) {
                if (alreadyDelivered(recipient, id.get())) {
                    LOGGER.info("Mail {} is already in the mailbox of {}: not delivered again", id.get(), recipient.asString());
                } else {
                    remaining.add(recipient);
                }
            }
            if (remaining.size() != mail.getRecipients().size()) {
                mail.setRecipients(remaining);
                if (remaining.isEmpty()) {
                    mail.setState(Mail.GHOST);
                    return;
                }
            }
        }
        mail.getMessage().setHeader(HEADER, id.get());
    }

    private boolean alreadyDelivered(MailAddress recipient, String id) throws MessagingException {
        Username user;
        try {
            user = users.getUsername(recipient);
        } catch (UsersRepositoryException e) {
            throw new MessagingException("cannot name the user of " + recipient.asString(), e);
        }
        MailboxSession session = mailboxes.createSystemSession(user);
        try {
            List<MailboxMetaData> folders = mailboxes.search(MailboxQuery.privateMailboxesBuilder(session).matchesAllMailboxNames().build(), session)
                .collectList().block();
            for (MailboxMetaData folder : folders == null ? List.<MailboxMetaData>of() : folders) {
                if (holds(mailboxes.getMailbox(folder.getId(), session), session, id)) {
                    return true;
                }
            }
            return false;
        } catch (MailboxException e) {
            throw new MessagingException("cannot look for mail " + id + " in the mailboxes of " + recipient.asString(), e);
        } finally {
            mailboxes.endProcessingRequest(session);
        }
    }

    private boolean holds(MessageManager folder, MailboxSession session, String id) throws MailboxException {
        long next = folder.getMetaData(RecentMode.IGNORE, session, FetchGroup.NO_COUNT).getUidNext().asLong();
        MessageRange recent = MessageRange.from(MessageUid.of(Math.max(1, next - recentMessages)));
        MessageResultIterator messages = folder.getMessages(recent, org.apache.james.mailbox.model.FetchGroup.HEADERS, session);
        while (messages.hasNext()) {
            MessageResult message = messages.next();
            for (Iterator<Header> headers = message.getHeaders().headers(); headers.hasNext(); ) {
                Header header = headers.next();
                if (HEADER.equalsIgnoreCase(header.getName()) && id.equals(header.getValue().strip())) {
                    return true;
                }
            }
        }
        if (messages.getException() != null) {
            throw messages.getException();
        }
        return false;
    }

    @Override
    public String getMailetInfo() {
        return "Local delivery exactly once after a crash";
    }
}
