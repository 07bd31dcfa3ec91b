package dev.mailwright.mailbox.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database of the mailbox store: a {@link DataSource} (the server's pool) and its {@link Dialect}. Every
 * operation takes a connection for itself and gives it back: no connection is held between calls, so a mapper is
 * just a view on this object and can be shared by threads.
 *
 * <p>Transactions that meet a concurrent one (deadlock, lock timeout, serialization failure) are retried a few
 * times; the row locks they take are always in the same order (mailbox row, message rows, quota row), so this is
 * rare.
 */
public final class MailboxDatabase {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxDatabase.class);
    private static final int ATTEMPTS = 5;
    /**
     * Prepared statements a pooled connection of the store keeps open for reuse (the pool's
     * {@code maxOpenPreparedStatements}, with {@code poolPreparedStatements}): an append runs the same few statements
     * every time, and preparing them again on each call (Derby: a new activation per statement) was about a sixth of
     * the append transaction's CPU. Bounded, because a few statements are built for a number of arguments (the least
     * recently used are closed first).
     */
    public static final int STATEMENTS_PER_CONNECTION = 100;

    private final DataSource dataSource;
    private final Dialect dialect;

    public MailboxDatabase(DataSource dataSource) {
        this.dataSource = dataSource;
        try (Connection connection = dataSource.getConnection()) {
            this.dialect = Dialect.of(connection);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot reach the mailbox database: " + e.getMessage(), e);
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Runs the work in one transaction (committed when it returns, rolled back when it throws). */
    public <T> T inTransaction(SqlWork<T> work) throws SQLException, IOException {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                connection.setAutoCommit(false);
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | IOException | RuntimeException | Error e) {
                    rollbackQuietly(connection, e);
                    throw e;
                } finally {
                    connection.setAutoCommit(autoCommit);
                }
            } catch (SQLException e) {
                if (!Dialect.isTransient(e) || attempt >= ATTEMPTS) {
                    throw e;
                }
                LOGGER.debug("Transaction conflict ({}), attempt {} of {}", e.getSQLState(), attempt, ATTEMPTS);
                pause(attempt);
            }
        }
    }

    /** Runs read-only (or single-statement) work on an auto-committing connection. */
    public <T> T read(SqlWork<T> work) throws SQLException, IOException {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        }
    }

    /** {@link #inTransaction} for the mappers: failures become {@link MailboxException}s. */
    public <T> T transaction(String what, SqlWork<T> work) throws MailboxException {
        try {
            return inTransaction(work);
        } catch (SQLException | IOException e) {
            throw new MailboxException("Mailbox store: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** {@link #read} for the mappers: failures become {@link MailboxException}s. */
    public <T> T query(String what, SqlWork<T> work) throws MailboxException {
        try {
            return read(work);
        } catch (SQLException | IOException e) {
            throw new MailboxException("Mailbox store: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** {@link #query} for the APIs that cannot throw checked exceptions. */
    public <T> T queryUnchecked(String what, SqlWork<T> work) {
        try {
            return read(work);
        } catch (SQLException e) {
            throw new IllegalStateException("Mailbox store: cannot " + what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #transaction} for the APIs that cannot throw checked exceptions. */
    public <T> T transactionUnchecked(String what, SqlWork<T> work) {
        try {
            return inTransaction(work);
        } catch (SQLException e) {
            throw new IllegalStateException("Mailbox store: cannot " + what + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PreparedStatement prepare(Connection connection, String sql, Object... arguments) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        bind(statement, arguments);
        return statement;
    }

    public static void bind(PreparedStatement statement, Object... arguments) throws SQLException {
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            int index = i + 1;
            if (argument == null) {
                statement.setNull(index, Types.VARCHAR);
            } else if (argument instanceof Long number) {
                statement.setLong(index, number);
            } else if (argument instanceof Integer number) {
                statement.setInt(index, number);
            } else if (argument instanceof Boolean bool) {
                statement.setShort(index, (short) (bool ? 1 : 0));
            } else if (argument instanceof byte[] bytes) {
                statement.setBytes(index, bytes);
            } else {
                statement.setString(index, argument.toString());
            }
        }
    }

    public static int update(Connection connection, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, arguments)) {
            return statement.executeUpdate();
        }
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
