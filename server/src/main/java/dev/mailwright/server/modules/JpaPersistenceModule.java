package dev.mailwright.server.modules;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * One OpenJPA {@link EntityManagerFactory} (persistence unit {@code Global}, see {@code META-INF/persistence.xml})
 * shared by every JPA store of the server: domains, users, aliases, mail repositories, Sieve scripts, mailboxes.
 */
public class JpaPersistenceModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(JpaPersistenceModule.class);

    @Override
    protected void configure() {
        bind(Database.class).in(com.google.inject.Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    DatabaseSettings provideSettings(PropertiesProvider propertiesProvider, JamesDirectoriesProvider directories)
        throws ConfigurationException, IOException {
        Configuration properties;
        try {
            properties = propertiesProvider.getConfiguration("james-database");
        } catch (FileNotFoundException e) {
            properties = new PropertiesConfiguration();
        }
        return DatabaseSettings.from(properties, Path.of(directories.getVarDirectory()));
    }

    @Provides
    @Singleton
    EntityManagerFactory provideEntityManagerFactory(Database database) {
        return database.entityManagerFactory();
    }

    /** Owns the factory so that it is closed (and embedded Derby shut down cleanly) when the server stops. */
    public static class Database {
        static final String DERBY_LOG_PROPERTY = "derby.stream.error.file";

        private final DatabaseSettings settings;
        private final EntityManagerFactory entityManagerFactory;

        @Inject
        Database(DatabaseSettings settings) {
            this.settings = settings;
            Map<String, String> properties = new HashMap<>(settings.openJpaProperties());
            properties.put("openjpa.ConnectionDriverName", settings.driverClassName());
            properties.put("openjpa.ConnectionURL", settings.url());
            settings.username().ifPresent(user -> properties.put("openjpa.ConnectionUserName", user));
            settings.password().ifPresent(password -> properties.put("openjpa.ConnectionPassword", password));
            if (!settings.connectionProperties().isEmpty()) {
                properties.put("openjpa.ConnectionProperties", String.join(",", settings.connectionProperties()));
            }
            properties.putIfAbsent("openjpa.Multithreaded", "true");
            settings.derbyLog().ifPresent(log -> {
                // read once, when embedded Derby boots in this JVM; Derby's default is derby.log in the current folder
                if (System.getProperty(DERBY_LOG_PROPERTY) == null) {
                    System.setProperty(DERBY_LOG_PROPERTY, log.toString());
                }
            });
            LOGGER.info("Database: {}", settings.describe());
            this.entityManagerFactory = Persistence.createEntityManagerFactory("Global", properties);
        }

        EntityManagerFactory entityManagerFactory() {
            return entityManagerFactory;
        }

        @PreDestroy
        public void close() {
            entityManagerFactory.close();
            settings.derbyShutdownUrl().ifPresent(url -> {
                try {
                    DriverManager.getConnection(url).close();
                } catch (SQLException e) {
                    // Derby reports a successful database shutdown as SQLState 08006, an already closed one as XJ004
                    if (!"08006".equals(e.getSQLState()) && !"XJ004".equals(e.getSQLState())) {
                        LOGGER.warn("Derby did not shut down cleanly", e);
                    }
                }
            });
        }
    }
}
