package dev.mailwright.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL database for the persistence tests, given by the environment:
 * {@code MAILWRIGHT_IT_POSTGRES_URL} (a JDBC URL of an admin connection, e.g.
 * {@code jdbc:postgresql://127.0.0.1:5432/postgres}), {@code MAILWRIGHT_IT_POSTGRES_USER},
 * {@code MAILWRIGHT_IT_POSTGRES_PASSWORD}. {@code .ci/run} starts PostgreSQL and sets them, with
 * {@code MAILWRIGHT_IT_REQUIRE_POSTGRES=1} so that a missing database fails the build instead of skipping.
 * Each test gets a freshly created database.
 */
public final class PostgresDatabase {
    private final String adminUrl;
    private final String user;
    private final String password;
    private final String name;

    private PostgresDatabase(String adminUrl, String user, String password, String name) {
        this.adminUrl = adminUrl;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    /** A new empty database, or the test is skipped (failed when PostgreSQL is required) if none is configured. */
    public static PostgresDatabase createFresh() {
        Optional<String> url = Optional.ofNullable(System.getenv("MAILWRIGHT_IT_POSTGRES_URL")).filter(s -> !s.isBlank());
        boolean required = "1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_POSTGRES"));
        if (url.isEmpty()) {
            if (required) {
                throw new IllegalStateException("MAILWRIGHT_IT_REQUIRE_POSTGRES=1 but MAILWRIGHT_IT_POSTGRES_URL is not set");
            }
            Assumptions.abort("PostgreSQL not configured (MAILWRIGHT_IT_POSTGRES_URL); .ci/run provides it");
        }
        String user = System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_USER", "postgres");
        String password = System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_PASSWORD", "");
        String name = "mailwright_it_" + Long.toHexString(System.nanoTime());
        try (Connection connection = DriverManager.getConnection(url.get(), user, password);
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create a PostgreSQL database at " + url.get() + ": " + e.getMessage(), e);
        }
        return new PostgresDatabase(url.get(), user, password, name);
    }

    public String jdbcUrl() {
        int slash = adminUrl.lastIndexOf('/');
        return adminUrl.substring(0, slash + 1) + name;
    }

    /** A connection to this database, for tests that check what the servers stored. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), user, password);
    }

    /** {@code james-database.properties} for this database, the password in a file as an operator would do. */
    String properties(Path root) {
        try {
            Path secret = root.resolve("db-password");
            Files.writeString(secret, password);
            return "database.driverClassName=org.postgresql.Driver\n"
                + "database.url=" + jdbcUrl() + "\n"
                + "database.username=" + user + "\n"
                + "database.passwordFile=" + secret + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
