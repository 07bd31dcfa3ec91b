package dev.mailwright.server.store;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.dbcp2.BasicDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.server.modules.DatabaseSettings;
import dev.mailwright.server.modules.JpaPersistenceModule;

/**
 * The connection pool and housekeeping of the {@link DatabaseStateStore}: a small pool on the server's database
 * (the one of {@code conf/james-database.properties}) with bounded waits, because the store is called from the SMTP
 * network threads, and an hourly purge of expired rows. Closed when the server stops.
 */
@Singleton
public class StateDatabase {
    private static final Logger LOGGER = LoggerFactory.getLogger(StateDatabase.class);
    static final Duration PURGE_INTERVAL = Duration.ofHours(1);

    private final BasicDataSource pool;
    private final DatabaseStateStore store;
    private final ScheduledExecutorService purger;

    /** Depends on {@code Database} so that the database (embedded Derby) is up first. */
    @Inject
    StateDatabase(DatabaseSettings settings, JpaPersistenceModule.Database database) {
        pool = new BasicDataSource();
        pool.setDriverClassName(settings.driverClassName());
        pool.setUrl(settings.url());
        settings.username().ifPresent(pool::setUsername);
        settings.password().ifPresent(pool::setPassword);
        pool.setMaxTotal(8);
        pool.setMaxIdle(4);
        // a caller waits at most this long for a connection or a statement: SMTP threads must not hang on the database
        pool.setMaxWaitMillis(2000);
        pool.setDefaultQueryTimeout(5);
        pool.setTestOnBorrow(true);
        store = new DatabaseStateStore(pool, Clock.systemUTC());
        store.createTableIfMissing();
        purger = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "mailwright-state-purge");
            thread.setDaemon(true);
            return thread;
        });
        purger.scheduleWithFixedDelay(this::purge, PURGE_INTERVAL.toMinutes(), PURGE_INTERVAL.toMinutes(), TimeUnit.MINUTES);
    }

    public DatabaseStateStore store() {
        return store;
    }

    private void purge() {
        try {
            int purged = store.purgeExpired();
            LOGGER.debug("Purged {} expired state entries", purged);
        } catch (RuntimeException e) {
            LOGGER.warn("Could not purge expired state entries: {}", e.getMessage());
        }
    }

    @PreDestroy
    public void close() {
        purger.shutdownNow();
        try {
            pool.close();
        } catch (java.sql.SQLException e) {
            LOGGER.debug("Closing the state store pool", e);
        }
    }
}
