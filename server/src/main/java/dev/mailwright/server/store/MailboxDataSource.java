package dev.mailwright.server.store;

import java.sql.SQLException;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.sql.DataSource;

import org.apache.commons.dbcp2.BasicDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailbox.MailboxStoreSettings;
import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.server.modules.DatabaseSettings;
import dev.mailwright.server.modules.JpaPersistenceModule;

/**
 * The connection pool of the mailbox store, on the server's database (as {@link StateDatabase}'s, with its own
 * bounds: mailbox work must not take the connections the SMTP hooks wait for at most two seconds). Closed when the
 * server stops, before embedded Derby is shut down.
 */
@Singleton
public class MailboxDataSource {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxDataSource.class);

    private final BasicDataSource pool;

    /** Depends on {@code Database} so that the database (embedded Derby) is up first. */
    @Inject
    MailboxDataSource(DatabaseSettings settings, MailboxStoreSettings store, JpaPersistenceModule.Database database) {
        pool = new BasicDataSource();
        pool.setDriverClassName(settings.driverClassName());
        pool.setUrl(settings.url());
        settings.username().ifPresent(pool::setUsername);
        settings.password().ifPresent(pool::setPassword);
        pool.setMaxTotal(store.poolSize());
        pool.setMaxIdle(store.poolSize());
        pool.setMinIdle(2);
        pool.setMaxWaitMillis(30_000);
        pool.setTestOnBorrow(false);
        pool.setTestWhileIdle(true);
        pool.setTimeBetweenEvictionRunsMillis(60_000);
        pool.setDefaultAutoCommit(true);
        pool.setPoolPreparedStatements(true);
        pool.setMaxOpenPreparedStatements(MailboxDatabase.STATEMENTS_PER_CONNECTION);
    }

    public DataSource dataSource() {
        return pool;
    }

    @PreDestroy
    public void close() {
        try {
            pool.close();
        } catch (SQLException e) {
            LOGGER.debug("Closing the mailbox pool", e);
        }
    }
}
