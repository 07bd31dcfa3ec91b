package dev.mailwright.mailbox.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Assumptions;

import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.db.Schema;

/**
 * The databases the tests run on: one embedded Derby database per test JVM, and, when the environment names a
 * PostgreSQL server ({@code MAILWRIGHT_IT_POSTGRES_URL}, {@code _USER}, {@code _PASSWORD}, as for the it-tests), one
 * fresh PostgreSQL database per test JVM. Without that environment the PostgreSQL tests are skipped, unless
 * {@code MAILWRIGHT_IT_REQUIRE_POSTGRES=1} (CI), which makes them fail.
 */
public final class TestDatabase {
    private static final List<String> TABLES = List.of("MW_MESSAGE", "MW_MAILBOX", "MW_SUBSCRIPTION", "MW_ANNOTATION",
        "MW_QUOTA_CURRENT", "MW_BLOB_CHUNK", "MW_BLOB", "MW_SCHEMA");
    private static TestDatabase derby;
    private static TestDatabase postgres;

    private final BasicDataSource pool;
    private final MailboxDatabase database;

    private TestDatabase(BasicDataSource pool) {
        this.pool = pool;
        this.database = new MailboxDatabase(pool);
        Schema.createIfMissing(database);
    }

    public static synchronized TestDatabase derby() {
        if (derby == null) {
            try {
                Path folder = Files.createTempDirectory(tmp(), "derby");
                BasicDataSource pool = new BasicDataSource();
                pool.setDriverClassName("org.apache.derby.jdbc.EmbeddedDriver");
                pool.setUrl("jdbc:derby:" + folder.resolve("db") + ";create=true");
                pool.setMaxTotal(32);
                pool.setPoolPreparedStatements(true);
                pool.setMaxOpenPreparedStatements(MailboxDatabase.STATEMENTS_PER_CONNECTION);
                derby = new TestDatabase(pool);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return derby;
    }

    /**
     * For {@code @EnabledIf} on the PostgreSQL classes: true when a PostgreSQL server is configured, or required (then
     * {@link #postgres()} fails with the reason). Skipping in an assumption is too late for James's contract classes,
     * whose teardown then fails on what the skipped setup never made.
     */
    public static boolean postgresConfigured() {
        return !System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_URL", "").isBlank()
            || "1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_POSTGRES"));
    }

    public static synchronized TestDatabase postgres() {
        if (postgres == null) {
            Optional<String> url = Optional.ofNullable(System.getenv("MAILWRIGHT_IT_POSTGRES_URL")).filter(s -> !s.isBlank());
            if (url.isEmpty()) {
                if ("1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_POSTGRES"))) {
                    throw new IllegalStateException("MAILWRIGHT_IT_REQUIRE_POSTGRES=1 but MAILWRIGHT_IT_POSTGRES_URL is not set");
                }
                Assumptions.abort("PostgreSQL not configured (MAILWRIGHT_IT_POSTGRES_URL)");
            }
            String user = System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_USER", "postgres");
            String password = System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_PASSWORD", "");
            String name = "mailwright_mailbox_" + Long.toHexString(System.nanoTime());
            try (Connection admin = DriverManager.getConnection(url.get(), user, password);
                 Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + name);
            } catch (SQLException e) {
                throw new IllegalStateException("Cannot create a PostgreSQL database: " + e.getMessage(), e);
            }
            BasicDataSource pool = new BasicDataSource();
            pool.setDriverClassName("org.postgresql.Driver");
            pool.setUrl(url.get().substring(0, url.get().lastIndexOf('/') + 1) + name);
            pool.setUsername(user);
            pool.setPassword(password);
            pool.setMaxTotal(32);
            pool.setPoolPreparedStatements(true);
            pool.setMaxOpenPreparedStatements(MailboxDatabase.STATEMENTS_PER_CONNECTION);
            postgres = new TestDatabase(pool);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pool.close();
                } catch (SQLException e) {
                    // ignored at exit
                }
                try (Connection admin = DriverManager.getConnection(url.get(), user, password);
                     Statement statement = admin.createStatement()) {
                    statement.execute("DROP DATABASE IF EXISTS " + name);
                } catch (SQLException e) {
                    // left behind: harmless
                }
            }));
        }
        return postgres;
    }

    public static Path tmp() {
        try {
            Path folder = Path.of(Optional.ofNullable(System.getenv("MAILWRIGHT_TEST_TMP")).orElse("target/test-tmp"));
            Files.createDirectories(folder);
            return folder;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public MailboxDatabase database() {
        return database;
    }

    /** Empties every table of the store (between tests). */
    public void clean() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                if (!table.equals("MW_SCHEMA")) {
                    statement.executeUpdate("DELETE FROM " + table);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
