package dev.mailwright.mailbox.mapper;

import java.util.Optional;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.UidProvider;

import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.model.JdbcMailboxId;

/**
 * UIDs for James's callers that ask for one outside an append (our own appends, copies and moves allocate theirs
 * inside their transaction): a row-locked increment of the folder's {@code LAST_UID}, correct with several servers.
 */
public class JdbcUidProvider implements UidProvider {
    private final MailboxDatabase database;

    public JdbcUidProvider(MailboxDatabase database) {
        this.database = database;
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        try {
            return database.transaction("allocate a UID", connection -> {
                long id = JdbcMailboxId.of(mailboxId).value();
                MailboxDatabase.update(connection, "UPDATE MW_MAILBOX SET LAST_UID = LAST_UID + 1 WHERE MAILBOX_ID = ?", id);
                return MessageUid.of(FolderCounters.read(connection, id)[0]);
            });
        } catch (MailboxException e) {
            throw missing(mailboxId, e);
        }
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        try {
            long last = database.query("read the last UID",
                connection -> FolderCounters.read(connection, JdbcMailboxId.of(mailbox.getMailboxId()).value())[0]);
            return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
        } catch (MailboxException e) {
            throw missing(mailbox.getMailboxId(), e);
        }
    }

    static MailboxException missing(MailboxId mailboxId, MailboxException e) {
        if (e.getCause() instanceof FolderCounters.MissingMailboxException) {
            return new MailboxNotFoundException(mailboxId);
        }
        return e;
    }
}
