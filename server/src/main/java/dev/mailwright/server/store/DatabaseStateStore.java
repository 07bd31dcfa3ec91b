package dev.mailwright.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.common.store.StateStore;

/**
 * {@link StateStore} in a table of the server's own database ({@code MAILWRIGHT_STATE}), in plain JDBC that works on
 * embedded Derby and on PostgreSQL: state survives restarts, and nodes sharing a PostgreSQL database share it.
 *
 * <p>One row per key: namespace, key (at most {@value #MAX_KEY_LENGTH} characters), value, counter and expiry (epoch
 * milliseconds). Expired rows are invisible and deleted by {@link #purgeExpired()}. Upserts are an UPDATE followed,
 * when no row existed, by an INSERT, retried once if another writer inserted the key in between; counters update in
 * one statement, so concurrent increments (from several threads or nodes) are never lost.
 */
public class DatabaseStateStore implements StateStore {
    static final String TABLE = "MAILWRIGHT_STATE";
    static final int MAX_KEY_LENGTH = 512;
    private static final Logger LOGGER = LoggerFactory.getLogger(DatabaseStateStore.class);
    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private final Clock clock;

    public DatabaseStateStore(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    /** Creates the table and its expiry index if they do not exist yet (first start, any node). */
    public void createTableIfMissing() {
        try (Connection connection = dataSource.getConnection()) {
            boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
            // key order must be code point order on every database (scan's contract): PostgreSQL's default collation
            // is the locale's, so the key column is declared with the "C" collation there; Derby's default is already
            String keyType = "VARCHAR(" + MAX_KEY_LENGTH + ")" + (postgres ? " COLLATE \"C\"" : "");
            String valueType = postgres ? "TEXT" : "CLOB";
            execute(connection, "CREATE TABLE " + TABLE + " ("
                + "NAMESPACE VARCHAR(64) NOT NULL, "
                + "STATE_KEY " + keyType + " NOT NULL, "
                + "STATE_VALUE " + valueType + ", "
                + "COUNTER BIGINT NOT NULL, "
                + "EXPIRES_AT BIGINT NOT NULL, "
                + "PRIMARY KEY (NAMESPACE, STATE_KEY))");
            execute(connection, "CREATE INDEX " + TABLE + "_EXPIRY ON " + TABLE + " (EXPIRES_AT)");
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create the state table " + TABLE + ": " + e.getMessage(), e);
        }
    }

    private static void execute(Connection connection, String ddl) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(ddl);
        } catch (SQLException e) {
            // X0Y32 (Derby) / 42P07 (PostgreSQL): it exists already; 23505: another node created it at the same time
            if (!"X0Y32".equals(e.getSQLState()) && !"42P07".equals(e.getSQLState()) && !UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
        }
    }

    @Override
    public Optional<Entry> get(String namespace, String key) {
        return query("SELECT STATE_KEY, STATE_VALUE, COUNTER, EXPIRES_AT FROM " + TABLE
            + " WHERE NAMESPACE = ? AND STATE_KEY = ? AND EXPIRES_AT > ?", 1, namespace, checked(key), now())
            .stream().findFirst();
    }

    @Override
    public void put(String namespace, String key, String value, Duration ttl) {
        long expiresAt = now() + ttl.toMillis();
        upsert(namespace, checked(key),
            "UPDATE " + TABLE + " SET STATE_VALUE = ?, COUNTER = 0, EXPIRES_AT = ? WHERE NAMESPACE = ? AND STATE_KEY = ?",
            new Object[] {value, expiresAt, namespace, key},
            new Object[] {namespace, key, value, 0L, expiresAt});
    }

    @Override
    public long increment(String namespace, String key, long delta, Duration ttl) {
        long now = now();
        long expiresAt = now + ttl.toMillis();
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                // a live row counts on in its window; an expired one starts a new window from zero
                String update = "UPDATE " + TABLE + " SET "
                    + "STATE_VALUE = CASE WHEN EXPIRES_AT > ? THEN STATE_VALUE ELSE NULL END, "
                    + "COUNTER = CASE WHEN EXPIRES_AT > ? THEN COUNTER + ? ELSE ? END, "
                    + "EXPIRES_AT = CASE WHEN EXPIRES_AT > ? THEN EXPIRES_AT ELSE ? END "
                    + "WHERE NAMESPACE = ? AND STATE_KEY = ?";
                Object[] updateArguments = {now, now, delta, delta, now, expiresAt, namespace, checked(key)};
                if (update(connection, update, updateArguments) == 0 && !insert(connection, namespace, key, null, delta, expiresAt)) {
                    update(connection, update, updateArguments);
                }
                long count;
                try (PreparedStatement select = prepare(connection, "SELECT COUNTER FROM " + TABLE
                    + " WHERE NAMESPACE = ? AND STATE_KEY = ?", namespace, key);
                     ResultSet rows = select.executeQuery()) {
                    rows.next();
                    count = rows.getLong(1);
                }
                connection.commit();
                return count;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("increment", e);
        }
    }

    @Override
    public boolean remove(String namespace, String key) {
        try (Connection connection = dataSource.getConnection()) {
            boolean live = get(namespace, key).isPresent();
            update(connection, "DELETE FROM " + TABLE + " WHERE NAMESPACE = ? AND STATE_KEY = ?", namespace, checked(key));
            return live;
        } catch (SQLException e) {
            throw failure("remove", e);
        }
    }

    @Override
    public List<Entry> scan(String namespace, String keyPrefix, int limit) {
        String pattern = keyPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return query("SELECT STATE_KEY, STATE_VALUE, COUNTER, EXPIRES_AT FROM " + TABLE
            + " WHERE NAMESPACE = ? AND STATE_KEY LIKE ? ESCAPE '\\' AND EXPIRES_AT > ? ORDER BY STATE_KEY", limit,
            namespace, pattern, now());
    }

    @Override
    public int purgeExpired() {
        try (Connection connection = dataSource.getConnection()) {
            return update(connection, "DELETE FROM " + TABLE + " WHERE EXPIRES_AT <= ?", now());
        } catch (SQLException e) {
            throw failure("purge", e);
        }
    }

    private void upsert(String namespace, String key, String update, Object[] updateArguments, Object[] insertArguments) {
        try (Connection connection = dataSource.getConnection()) {
            if (update(connection, update, updateArguments) > 0) {
                return;
            }
            if (!insert(connection, (String) insertArguments[0], (String) insertArguments[1], (String) insertArguments[2],
                (Long) insertArguments[3], (Long) insertArguments[4])) {
                update(connection, update, updateArguments);
            }
        } catch (SQLException e) {
            throw failure("write " + namespace + "/" + key, e);
        }
    }

    /** Inserts a row; false if the key appeared meanwhile (another writer won the race). */
    private static boolean insert(Connection connection, String namespace, String key, String value, long counter,
                                  long expiresAt) throws SQLException {
        // inside a transaction, PostgreSQL refuses every later statement once one failed: the insert that may lose
        // the race to another writer gets a savepoint of its own
        Savepoint savepoint = connection.getAutoCommit() ? null : connection.setSavepoint();
        try {
            update(connection, "INSERT INTO " + TABLE + " (NAMESPACE, STATE_KEY, STATE_VALUE, COUNTER, EXPIRES_AT) "
                + "VALUES (?, ?, ?, ?, ?)", namespace, key, value, counter, expiresAt);
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
            return true;
        } catch (SQLException e) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                if (savepoint != null) {
                    connection.rollback(savepoint);
                }
                return false;
            }
            throw e;
        }
    }

    private List<Entry> query(String sql, int limit, Object... arguments) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = prepare(connection, sql, arguments)) {
            statement.setMaxRows(limit);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getString(1), rows.getString(2), rows.getLong(3),
                        Instant.ofEpochMilli(rows.getLong(4))));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw failure("read", e);
        }
    }

    private static int update(Connection connection, String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, arguments)) {
            return statement.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection connection, String sql, Object... arguments) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            if (argument == null) {
                statement.setString(i + 1, null);
            } else if (argument instanceof Long number) {
                statement.setLong(i + 1, number);
            } else {
                statement.setString(i + 1, argument.toString());
            }
        }
        return statement;
    }

    private long now() {
        return clock.millis();
    }

    private static String checked(String key) {
        if (key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("state keys are limited to " + MAX_KEY_LENGTH + " characters");
        }
        return key;
    }

    private static IllegalStateException failure(String operation, SQLException e) {
        LOGGER.debug("State store {} failed", operation, e);
        return new IllegalStateException("state store " + operation + " failed: " + e.getMessage(), e);
    }
}
