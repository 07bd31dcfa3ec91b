package dev.mailwright.mailbox.mapper;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.james.core.Username;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;

import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;

/**
 * The quota usage rows ({@code MW_QUOTA_CURRENT}), changed inside the transactions that add or remove messages, so
 * that usage and messages never disagree. The quota root of a folder is the one of James's
 * {@link DefaultUserQuotaRootResolver}: namespace, {@code &}, owner.
 */
public final class QuotaUsage {
    private QuotaUsage() {
    }

    public static String rootOf(Mailbox mailbox) {
        return rootOf(mailbox.generateAssociatedPath());
    }

    public static String rootOf(MailboxPath path) {
        Username user = path.getUser();
        if (user == null) {
            return path.getNamespace();
        }
        return path.getNamespace() + DefaultUserQuotaRootResolver.SEPARATOR + user.asString();
    }

    /** Adds (or, negative, removes) messages and bytes to a quota root's usage, inside the caller's transaction. */
    public static void add(Connection connection, Dialect dialect, String quotaRoot, long count, long size) throws SQLException {
        if (count == 0 && size == 0) {
            return;
        }
        String update = "UPDATE MW_QUOTA_CURRENT SET MESSAGE_COUNT = MESSAGE_COUNT + ?, STORAGE = STORAGE + ? WHERE QUOTA_ROOT = ?";
        if (MailboxDatabase.update(connection, update, count, size, quotaRoot) > 0) {
            return;
        }
        if (dialect == Dialect.POSTGRES) {
            MailboxDatabase.update(connection, "INSERT INTO MW_QUOTA_CURRENT (QUOTA_ROOT, MESSAGE_COUNT, STORAGE) VALUES (?, ?, ?) "
                + "ON CONFLICT (QUOTA_ROOT) DO UPDATE SET MESSAGE_COUNT = MW_QUOTA_CURRENT.MESSAGE_COUNT + EXCLUDED.MESSAGE_COUNT, "
                + "STORAGE = MW_QUOTA_CURRENT.STORAGE + EXCLUDED.STORAGE", quotaRoot, count, size);
            return;
        }
        try {
            // Derby: a failed statement does not abort the transaction, so a lost race is answered by the update
            MailboxDatabase.update(connection, "INSERT INTO MW_QUOTA_CURRENT (QUOTA_ROOT, MESSAGE_COUNT, STORAGE) VALUES (?, ?, ?)",
                quotaRoot, count, size);
        } catch (SQLException e) {
            if (!Dialect.isUniqueViolation(e)) {
                throw e;
            }
            MailboxDatabase.update(connection, update, count, size, quotaRoot);
        }
    }
}
