package dev.mailwright.mailbox.support;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Set;

import org.apache.james.events.EventBusTestFixture;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.extension.PreDeletionHook;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.utils.UpdatableTickingClock;
import org.apache.lucene.store.RAMDirectory;

import dev.mailwright.mailbox.MailboxLocks;
import dev.mailwright.mailbox.MailwrightMailboxManager;
import dev.mailwright.mailbox.ingest.MessageIngest;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.search.LazySearchIndex;

/** A {@link MailwrightMailboxManager} as the server wires it, on a test store, with an in-VM event bus. */
public final class TestMailboxManagers {
    private TestMailboxManagers() {
    }

    public static LazySearchIndex index(MailwrightMailboxManager manager) {
        return (LazySearchIndex) manager.searchIndex();
    }

    public static MailwrightMailboxManager create(TestDatabase database, Set<PreDeletionHook> hooks) {
        UpdatableTickingClock clock = new UpdatableTickingClock(Instant.now());
        return create(TestStore.on(database, clock), hooks, clock);
    }

    public static MailwrightMailboxManager create(TestStore store, Set<PreDeletionHook> hooks, UpdatableTickingClock clock) {
        try {
            var mappers = store.mappers();
            InVMEventBus eventBus = new InVMEventBus(new InVmEventDelivery(new RecordingMetricFactory()),
                EventBusTestFixture.RETRY_BACKOFF_CONFIGURATION, new MemoryEventDeadLetters());
            StoreRightManager rights = new StoreRightManager(mappers, new UnionMailboxACLResolver(), eventBus);
            StoreMailboxAnnotationManager annotations = new StoreMailboxAnnotationManager(mappers, rights, 3, 30);
            SessionProviderImpl sessions = new SessionProviderImpl(null, null);
            QuotaComponents quota = QuotaComponents.disabled(sessions, mappers);
            LazySearchIndex index = new LazySearchIndex(mappers, new JdbcMailboxId.Factory(), new RAMDirectory(),
                new DefaultMessageId.Factory(), sessions, Files.createTempDirectory(TestDatabase.tmp(), "search").resolve("marks"));
            return new MailwrightMailboxManager(mappers, sessions, new MailboxLocks(), new DefaultMessageId.Factory(),
                annotations, eventBus, rights, quota, index, MailboxManagerConfiguration.DEFAULT,
                new PreDeletionHooks(hooks, new RecordingMetricFactory()), new NaiveThreadIdGuessingAlgorithm(),
                clock, store.blobs(), new MessageIngest(store.blobs(), MessageIngest.DEFAULT_NESTING_LIMIT));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
