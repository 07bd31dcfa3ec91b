package dev.mailwright.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import dev.mailwright.common.store.StateStore;
import dev.mailwright.common.store.StateStoreContract;

class DatabaseStateStoreTest {

    /** A clock the tests move. */
    static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    abstract static class OnDatabase extends StateStoreContract {
        final TestClock clock = new TestClock();
        BasicDataSource pool;
        DatabaseStateStore store;

        abstract String url();

        abstract String user();

        abstract String password();

        /** Called before the pool is made. */
        void prepareDatabase() throws SQLException {
        }

        @BeforeEach
        void createStore() throws SQLException {
            prepareDatabase();
            pool = new BasicDataSource();
            pool.setUrl(url());
            pool.setUsername(user());
            pool.setPassword(password());
            store = new DatabaseStateStore(pool, clock);
            store.createTableIfMissing();
        }

        @AfterEach
        void dropTable() throws SQLException {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE " + DatabaseStateStore.TABLE);
            }
            pool.close();
        }

        @Override
        protected StateStore store() {
            return store;
        }

        @Override
        protected void advance(Duration duration) {
            clock.advance(duration);
        }

        @Test
        void creatingTheTableTwiceIsHarmless() {
            store.put("ns", "k", "v", Duration.ofMinutes(1));

            store.createTableIfMissing();

            assertThat(store.get("ns", "k")).isPresent();
        }

        @Test
        void stateIsInTheDatabaseNotInTheObject() {
            store.put("greylist", "triplet", "first:1", Duration.ofDays(2));
            store.increment("rate", "ip", 3, Duration.ofMinutes(1));

            DatabaseStateStore another = new DatabaseStateStore(pool, clock);

            assertThat(another.get("greylist", "triplet")).hasValueSatisfying(e -> assertThat(e.value()).isEqualTo("first:1"));
            assertThat(another.increment("rate", "ip", 1, Duration.ofMinutes(1))).isEqualTo(4);
        }

        @Test
        void concurrentIncrementsAreNotLost() throws Exception {
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Long>> tasks = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    tasks.add(() -> store.increment("rate", "shared", 1, Duration.ofMinutes(1)));
                }
                for (Future<Long> result : threads.invokeAll(tasks)) {
                    result.get();
                }
            } finally {
                threads.shutdownNow();
            }

            assertThat(store.get("rate", "shared")).hasValueSatisfying(e -> assertThat(e.count()).isEqualTo(40));
        }

        @Test
        void scanTreatsLikeWildcardsInThePrefixLiterally() {
            store.put("ns", "a_b", "1", Duration.ofMinutes(1));
            store.put("ns", "axb", "2", Duration.ofMinutes(1));
            store.put("ns", "a%c", "3", Duration.ofMinutes(1));

            assertThat(store.scan("ns", "a_", 10)).extracting(StateStore.Entry::value).containsExactly("1");
            assertThat(store.scan("ns", "a%", 10)).extracting(StateStore.Entry::value).containsExactly("3");
        }

        @Test
        void longValuesAreKept() {
            String trace = "x".repeat(40_000);
            store.put("trace", "m1", trace, Duration.ofMinutes(1));

            assertThat(store.get("trace", "m1")).hasValueSatisfying(e -> assertThat(e.value()).isEqualTo(trace));
        }

        @Test
        void overlongKeysAreRefusedClearly() {
            assertThatThrownBy(() -> store.put("ns", "k".repeat(600), "v", Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("512");
        }
    }

    @Nested
    class OnEmbeddedDerby extends OnDatabase {
        @Override
        String url() {
            return "jdbc:derby:memory:state-store-test;create=true";
        }

        @Override
        String user() {
            return null;
        }

        @Override
        String password() {
            return null;
        }
    }

    /** PostgreSQL when the environment names one (as {@code .ci/run} does); a fresh database per run. */
    @Nested
    @EnabledIfEnvironmentVariable(named = "MAILWRIGHT_IT_POSTGRES_URL", matches = ".+")
    class OnPostgres extends OnDatabase {
        private static String database;

        @Override
        void prepareDatabase() throws SQLException {
            if (database != null) {
                return;
            }
            database = "mailwright_state_" + Long.toHexString(System.nanoTime());
            try (Connection admin = DriverManager.getConnection(System.getenv("MAILWRIGHT_IT_POSTGRES_URL"), user(), password());
                 Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE " + database);
            }
        }

        @org.junit.jupiter.api.AfterAll
        static void dropDatabase() throws SQLException {
            if (database == null) {
                return;
            }
            try (Connection admin = DriverManager.getConnection(System.getenv("MAILWRIGHT_IT_POSTGRES_URL"),
                System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_USER", "postgres"),
                System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_PASSWORD", ""));
                 Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE " + database);
            }
            database = null;
        }

        @Override
        String url() {
            String admin = System.getenv("MAILWRIGHT_IT_POSTGRES_URL");
            return admin.substring(0, admin.lastIndexOf('/') + 1) + database;
        }

        @Override
        String user() {
            return System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_USER", "postgres");
        }

        @Override
        String password() {
            return System.getenv().getOrDefault("MAILWRIGHT_IT_POSTGRES_PASSWORD", "");
        }
    }
}
