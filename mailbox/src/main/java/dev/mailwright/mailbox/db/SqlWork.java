package dev.mailwright.mailbox.db;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection, inside one transaction or one auto-committed statement. */
@FunctionalInterface
public interface SqlWork<T> {
    T run(Connection connection) throws SQLException, IOException;
}
