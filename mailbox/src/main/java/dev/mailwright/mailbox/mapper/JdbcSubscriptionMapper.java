package dev.mailwright.mailbox.mapper;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.model.Subscription;

import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;

/** IMAP subscriptions ({@code MW_SUBSCRIPTION}). */
public class JdbcSubscriptionMapper implements SubscriptionMapper {
    private final MailboxDatabase database;

    public JdbcSubscriptionMapper(MailboxDatabase database) {
        this.database = database;
    }

    @Override
    public void save(Subscription subscription) throws SubscriptionException {
        try {
            database.read(connection -> {
                try {
                    return MailboxDatabase.update(connection, "INSERT INTO MW_SUBSCRIPTION (USER_NAME, MAILBOX) VALUES (?, ?)",
                        subscription.getUser().asString(), subscription.getMailbox());
                } catch (SQLException e) {
                    if (Dialect.isUniqueViolation(e)) {
                        return 0;
                    }
                    throw e;
                }
            });
        } catch (SQLException | java.io.IOException e) {
            throw new SubscriptionException(e);
        }
    }

    @Override
    public List<Subscription> findSubscriptionsForUser(Username user) throws SubscriptionException {
        try {
            return database.read(connection -> {
                List<Subscription> subscriptions = new ArrayList<>();
                try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                    "SELECT MAILBOX FROM MW_SUBSCRIPTION WHERE USER_NAME = ? ORDER BY MAILBOX", user.asString());
                     ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        subscriptions.add(new Subscription(user, rows.getString(1)));
                    }
                }
                return subscriptions;
            });
        } catch (SQLException | java.io.IOException e) {
            throw new SubscriptionException(e);
        }
    }

    @Override
    public void delete(Subscription subscription) throws SubscriptionException {
        try {
            database.read(connection -> MailboxDatabase.update(connection,
                "DELETE FROM MW_SUBSCRIPTION WHERE USER_NAME = ? AND MAILBOX = ?",
                subscription.getUser().asString(), subscription.getMailbox()));
        } catch (SQLException | java.io.IOException e) {
            throw new SubscriptionException(e);
        }
    }
}
