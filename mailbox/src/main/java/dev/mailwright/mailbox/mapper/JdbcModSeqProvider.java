package dev.mailwright.mailbox.mapper;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;

import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.model.JdbcMailboxId;

/** Modification sequences for James's callers outside our own writes: a row-locked increment of {@code HIGHEST_MODSEQ}. */
public class JdbcModSeqProvider implements ModSeqProvider {
    private final MailboxDatabase database;

    public JdbcModSeqProvider(MailboxDatabase database) {
        this.database = database;
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        try {
            return database.transaction("allocate a modseq",
                connection -> FolderCounters.nextModSeq(connection, database.dialect(), JdbcMailboxId.of(mailboxId).value()));
        } catch (MailboxException e) {
            throw JdbcUidProvider.missing(mailboxId, e);
        }
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        try {
            return ModSeq.of(database.query("read the highest modseq",
                connection -> FolderCounters.read(connection, JdbcMailboxId.of(mailboxId).value())[1]));
        } catch (MailboxException e) {
            throw JdbcUidProvider.missing(mailboxId, e);
        }
    }
}
