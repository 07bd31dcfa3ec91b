package dev.mailwright.server.modules;

import static org.apache.james.modules.Names.MAILBOXMANAGER_NAME;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.adapter.mailbox.ACLUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.MailboxUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.QuotaUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.UserRepositoryAuthenticator;
import org.apache.james.adapter.mailbox.UserRepositoryAuthorizator;
import org.apache.james.events.EventListener;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.indexer.ReIndexer;
import org.apache.james.mailbox.jpa.quota.JPAPerUserMaxQuotaManager;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootDeserializer;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.quota.UserQuotaRootResolver;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.mail.MailboxMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapperFactory;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.NoQuotaUpdater;
import org.apache.james.mailbox.store.quota.QuotaUpdater;
import org.apache.james.mailbox.store.quota.StoreQuotaManager;
import org.apache.james.mailbox.store.search.ListeningMessageSearchIndex;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.user.SubscriptionMapperFactory;
import org.apache.james.modules.mailbox.ReIndexingTaskSerializationModule;
import org.apache.james.quota.search.QuotaSearcher;
import org.apache.james.quota.search.scanning.ScanningQuotaSearcher;
import org.apache.james.user.api.UsernameChangeTaskStep;
import org.apache.james.utils.MailboxManagerDefinition;
import org.apache.james.utils.PropertiesProvider;
import org.apache.lucene.store.FSDirectory;
import org.apache.mailbox.tools.indexer.ReIndexerImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.name.Names;

import dev.mailwright.mailbox.MailboxLocks;
import dev.mailwright.mailbox.MailboxStoreSettings;
import dev.mailwright.mailbox.MailboxStoreStartup;
import dev.mailwright.mailbox.MailwrightMailboxManager;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.blob.DatabaseBlobStore;
import dev.mailwright.mailbox.blob.FileBlobStore;
import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.db.Schema;
import dev.mailwright.mailbox.ingest.MessageIngest;
import dev.mailwright.mailbox.mapper.JdbcMailboxSessionMapperFactory;
import dev.mailwright.mailbox.migration.JpaMailboxMigration;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.quota.JdbcCurrentQuotaManager;
import dev.mailwright.mailbox.search.LazySearchIndex;
import dev.mailwright.mailbox.search.SearchIndexCleaner;
import dev.mailwright.server.store.MailboxDataSource;

/**
 * Mailboxes (IMAP folders, messages, subscriptions, annotations, current quota usage) in our own store
 * ({@code mailbox/}): plain JDBC on the server's database, bodies in the blob store ({@code conf/mailbox.properties}),
 * IMAP SEARCH answered from the message rows and a Lucene index caught up lazily at SEARCH in {@code <data>/search}.
 * Quota limits stay in the JPA database.
 *
 * <p>At start, before anything is served: the tables are created if missing, a 0.1.0 data folder (James's JPA
 * mailbox) is migrated, and bodies no message references are removed.
 */
public class MailboxStoreModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailboxStoreModule.class);

    @Override
    protected void configure() {
        install(new ReIndexingTaskSerializationModule());

        bind(MailboxSessionMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(MessageMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(MailboxMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);
        bind(SubscriptionMapperFactory.class).to(JdbcMailboxSessionMapperFactory.class);

        bind(MailwrightMailboxManager.class).in(Scopes.SINGLETON);
        bind(MailboxManager.class).to(MailwrightMailboxManager.class);
        bind(StoreMailboxManager.class).to(MailwrightMailboxManager.class);
        bind(MailboxManager.class).annotatedWith(Names.named(MAILBOXMANAGER_NAME)).to(MailboxManager.class);
        bind(MailboxManagerConfiguration.class).toInstance(MailboxManagerConfiguration.DEFAULT);

        bind(MailboxLocks.class).in(Scopes.SINGLETON);
        bind(MailboxPathLocker.class).to(MailboxLocks.class);
        bind(StoreSubscriptionManager.class).in(Scopes.SINGLETON);
        bind(SubscriptionManager.class).to(StoreSubscriptionManager.class);
        bind(SessionProviderImpl.class).in(Scopes.SINGLETON);
        bind(SessionProvider.class).to(SessionProviderImpl.class);
        bind(UserRepositoryAuthenticator.class).in(Scopes.SINGLETON);
        bind(Authenticator.class).to(UserRepositoryAuthenticator.class);
        bind(UserRepositoryAuthorizator.class).in(Scopes.SINGLETON);
        bind(Authorizator.class).to(UserRepositoryAuthorizator.class);

        bind(JdbcMailboxId.Factory.class).in(Scopes.SINGLETON);
        bind(MailboxId.Factory.class).to(JdbcMailboxId.Factory.class);
        bind(DefaultMessageId.Factory.class).in(Scopes.SINGLETON);
        bind(MessageId.Factory.class).to(DefaultMessageId.Factory.class);
        bind(NaiveThreadIdGuessingAlgorithm.class).in(Scopes.SINGLETON);
        bind(ThreadIdGuessingAlgorithm.class).to(NaiveThreadIdGuessingAlgorithm.class);
        bind(AttachmentContentLoader.class).toInstance((attachment, session) -> {
            throw new UnsupportedOperationException("attachments are not stored apart from their message");
        });

        bind(MessageSearchIndex.class).to(LazySearchIndex.class);
        bind(ListeningMessageSearchIndex.class).to(LazySearchIndex.class);
        bind(ReIndexerImpl.class).in(Scopes.SINGLETON);
        bind(ReIndexer.class).to(ReIndexerImpl.class);

        configureQuotas();

        Multibinder.newSetBinder(binder(), MailboxManagerDefinition.class).addBinding().to(StoreMailboxManagerDefinition.class);
        Multibinder.newSetBinder(binder(), EventListener.GroupEventListener.class).addBinding().to(SearchIndexCleaner.class);

        Multibinder<UsernameChangeTaskStep> renameSteps = Multibinder.newSetBinder(binder(), UsernameChangeTaskStep.class);
        renameSteps.addBinding().to(MailboxUsernameChangeTaskStep.class);
        renameSteps.addBinding().to(ACLUsernameChangeTaskStep.class);
        renameSteps.addBinding().to(QuotaUsernameChangeTaskStep.class);

        bind(MailboxStoreReady.class).asEagerSingleton();
        bind(SearchIndexClosing.class).asEagerSingleton();
    }

    private void configureQuotas() {
        bind(DefaultUserQuotaRootResolver.class).in(Scopes.SINGLETON);
        bind(UserQuotaRootResolver.class).to(DefaultUserQuotaRootResolver.class);
        bind(QuotaRootResolver.class).to(DefaultUserQuotaRootResolver.class);
        bind(QuotaRootDeserializer.class).to(DefaultUserQuotaRootResolver.class);
        bind(JPAPerUserMaxQuotaManager.class).in(Scopes.SINGLETON);
        bind(MaxQuotaManager.class).to(JPAPerUserMaxQuotaManager.class);
        bind(StoreQuotaManager.class).in(Scopes.SINGLETON);
        bind(QuotaManager.class).to(StoreQuotaManager.class);
        bind(CurrentQuotaManager.class).to(JdbcCurrentQuotaManager.class);
        bind(ScanningQuotaSearcher.class).in(Scopes.SINGLETON);
        bind(QuotaSearcher.class).to(ScanningQuotaSearcher.class);
        // usage changes in the transactions of the messages themselves, not from events
        bind(QuotaUpdater.class).to(NoQuotaUpdater.class);
    }

    @Provides
    @Singleton
    MailboxStoreSettings provideSettings(PropertiesProvider properties, JamesDirectoriesProvider directories) throws ConfigurationException {
        Configuration configuration;
        try {
            configuration = properties.getConfiguration("mailbox");
        } catch (FileNotFoundException e) {
            configuration = new PropertiesConfiguration();
        }
        return MailboxStoreSettings.from(configuration, Path.of(directories.getVarDirectory()));
    }

    @Provides
    @Singleton
    MailboxDatabase provideDatabase(MailboxDataSource pool) {
        MailboxDatabase database = new MailboxDatabase(pool.dataSource());
        Schema.createIfMissing(database);
        return database;
    }

    @Provides
    @Singleton
    BlobStore provideBlobs(MailboxStoreSettings settings, MailboxDatabase database, Clock clock) throws IOException {
        if (settings.blobMode() == MailboxStoreSettings.BlobMode.DATABASE) {
            return new DatabaseBlobStore(database, clock);
        }
        return new FileBlobStore(settings.blobDirectory());
    }

    @Provides
    @Singleton
    MessageIngest provideIngest(BlobStore blobs, MailboxStoreSettings settings) {
        return new MessageIngest(blobs, settings.nestingLimit());
    }

    @Provides
    @Singleton
    JdbcMailboxSessionMapperFactory provideMappers(MailboxDatabase database, BlobStore blobs, Clock clock) {
        return new JdbcMailboxSessionMapperFactory(database, blobs, clock);
    }

    @Provides
    @Singleton
    JdbcCurrentQuotaManager provideCurrentQuota(MailboxDatabase database) {
        return new JdbcCurrentQuotaManager(database);
    }

    @Provides
    @Singleton
    LazySearchIndex provideSearchIndex(JdbcMailboxSessionMapperFactory mappers, MailboxId.Factory mailboxIds,
                                       MessageId.Factory messageIds, SessionProvider sessions,
                                       JamesDirectoriesProvider directories) throws IOException {
        Path folder = Path.of(directories.getVarDirectory(), "search");
        Files.createDirectories(folder);
        return new LazySearchIndex(mappers, mailboxIds, FSDirectory.open(folder.toFile()), messageIds, sessions,
            folder.resolve("indexed-up-to.properties"));
    }

    @Provides
    @Singleton
    SearchIndexCleaner provideSearchIndexCleaner(LazySearchIndex index) {
        return new SearchIndexCleaner(index);
    }

    /** Created with the injector, so before the protocols start: migration of 0.1.0 data, then the orphan sweep. */
    @Singleton
    public static class MailboxStoreReady {
        @Inject
        MailboxStoreReady(MailboxDatabase database, BlobStore blobs, JamesDirectoriesProvider directories, Clock clock) {
            Instant started = clock.instant();
            new JpaMailboxMigration(database, blobs).runIfNeeded();
            MailboxStoreStartup.sweepOrphans(database, blobs, started);
            try {
                // the periodic committer of the 0.1.0 index left this marker; the index no longer needs it
                Files.deleteIfExists(Path.of(directories.getVarDirectory(), "search", "mailwright-running"));
            } catch (IOException e) {
                LOGGER.debug("Removing the old search marker", e);
            }
        }
    }

    /** Closes the search index at stop (its writer holds the index folder's lock): Guice-made, so its @PreDestroy runs. */
    @Singleton
    public static class SearchIndexClosing {
        private final LazySearchIndex index;

        @Inject
        SearchIndexClosing(LazySearchIndex index) {
            this.index = index;
        }

        @javax.annotation.PreDestroy
        public void close() {
            try {
                index.close();
            } catch (IOException | RuntimeException e) {
                LOGGER.warn("Closing the search index: {}", e.getMessage());
            }
        }
    }

    @Singleton
    static class StoreMailboxManagerDefinition extends MailboxManagerDefinition {
        @Inject
        StoreMailboxManagerDefinition(MailwrightMailboxManager manager) {
            super("mailwright-mailboxmanager", manager);
        }
    }
}
