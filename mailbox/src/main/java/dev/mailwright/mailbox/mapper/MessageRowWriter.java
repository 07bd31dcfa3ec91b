package dev.mailwright.mailbox.mapper;

import java.sql.Connection;
import java.sql.SQLException;

import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.model.StoredMessage;

/** Writes a message row as the mappers do, for code outside the mappers (the migration). */
public final class MessageRowWriter {
    private MessageRowWriter() {
    }

    public static void insert(Connection connection, long mailboxId, StoredMessage message, Dialect dialect) throws SQLException {
        MessageRows.insert(connection, mailboxId, message, dialect);
    }
}
