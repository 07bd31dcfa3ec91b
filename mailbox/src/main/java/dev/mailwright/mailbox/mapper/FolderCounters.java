package dev.mailwright.mailbox.mapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;

import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;

/**
 * The per-folder counters of {@code MW_MAILBOX}: the last UID given and the highest modification sequence. They are
 * advanced by an UPDATE of the folder's row, which locks the row until the transaction ends: two writers of the same
 * folder (threads or servers sharing the database) are serialized, and their commits happen in UID order, so a
 * reader never sees UID n+1 without n.
 */
final class FolderCounters {
    private FolderCounters() {
    }

    record Allocation(MessageUid firstUid, ModSeq modSeq) {
    }

    /**
     * Reserves {@code uids} new UIDs and one new modseq for the folder, for as many new messages, locking its row until
     * the transaction ends.
     */
    static Allocation allocate(Connection connection, Dialect dialect, long mailboxId, int uids) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "UPDATE MW_MAILBOX SET LAST_UID = LAST_UID + ?, HIGHEST_MODSEQ = HIGHEST_MODSEQ + 1, MESSAGE_COUNT = MESSAGE_COUNT + ? "
                    + "WHERE MAILBOX_ID = ? RETURNING LAST_UID, HIGHEST_MODSEQ", (long) uids, (long) uids, mailboxId);
                 ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new MissingMailboxException(mailboxId);
                }
                return new Allocation(MessageUid.of(rows.getLong(1) - uids + 1), ModSeq.of(rows.getLong(2)));
            }
        }
        if (MailboxDatabase.update(connection,
            "UPDATE MW_MAILBOX SET LAST_UID = LAST_UID + ?, HIGHEST_MODSEQ = HIGHEST_MODSEQ + 1, MESSAGE_COUNT = MESSAGE_COUNT + ? "
                + "WHERE MAILBOX_ID = ?", (long) uids, (long) uids, mailboxId) == 0) {
            throw new MissingMailboxException(mailboxId);
        }
        long[] values = read(connection, mailboxId);
        return new Allocation(MessageUid.of(values[0] - uids + 1), ModSeq.of(values[1]));
    }

    /** A new modseq only (flag changes), locking the folder's row until the transaction ends. */
    static ModSeq nextModSeq(Connection connection, Dialect dialect, long mailboxId) throws SQLException {
        if (dialect == Dialect.POSTGRES) {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "UPDATE MW_MAILBOX SET HIGHEST_MODSEQ = HIGHEST_MODSEQ + 1 WHERE MAILBOX_ID = ? RETURNING HIGHEST_MODSEQ", mailboxId);
                 ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new MissingMailboxException(mailboxId);
                }
                return ModSeq.of(rows.getLong(1));
            }
        }
        if (MailboxDatabase.update(connection, "UPDATE MW_MAILBOX SET HIGHEST_MODSEQ = HIGHEST_MODSEQ + 1 WHERE MAILBOX_ID = ?",
            mailboxId) == 0) {
            throw new MissingMailboxException(mailboxId);
        }
        return ModSeq.of(read(connection, mailboxId)[1]);
    }

    /** Locks the folder's row without changing it (a writer that may or may not need a modseq). */
    static void lock(Connection connection, long mailboxId) throws SQLException {
        if (MailboxDatabase.update(connection, "UPDATE MW_MAILBOX SET HIGHEST_MODSEQ = HIGHEST_MODSEQ WHERE MAILBOX_ID = ?", mailboxId) == 0) {
            throw new MissingMailboxException(mailboxId);
        }
    }

    /** Messages left the folder (expunge, move out), inside the caller's transaction (the row is locked already). */
    static void removed(Connection connection, long mailboxId, long count) throws SQLException {
        if (count != 0) {
            MailboxDatabase.update(connection, "UPDATE MW_MAILBOX SET MESSAGE_COUNT = MESSAGE_COUNT - ? WHERE MAILBOX_ID = ?", count, mailboxId);
        }
    }

    static long messageCount(Connection connection, long mailboxId) throws SQLException {
        try (PreparedStatement statement = MailboxDatabase.prepare(connection,
            "SELECT MESSAGE_COUNT FROM MW_MAILBOX WHERE MAILBOX_ID = ?", mailboxId);
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new MissingMailboxException(mailboxId);
            }
            return rows.getLong(1);
        }
    }

    /** LAST_UID and HIGHEST_MODSEQ. */
    static long[] read(Connection connection, long mailboxId) throws SQLException {
        try (PreparedStatement statement = MailboxDatabase.prepare(connection,
            "SELECT LAST_UID, HIGHEST_MODSEQ FROM MW_MAILBOX WHERE MAILBOX_ID = ?", mailboxId);
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new MissingMailboxException(mailboxId);
            }
            return new long[] {rows.getLong(1), rows.getLong(2)};
        }
    }

    static final class MissingMailboxException extends SQLException {
        MissingMailboxException(long mailboxId) {
            super("Mailbox " + mailboxId + " does not exist (deleted meanwhile?)");
        }
    }
}
