package dev.mailwright.mailbox.contract;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManagerTest;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;

import dev.mailwright.mailbox.MailwrightMailboxManager;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestMailboxManagers;

/**
 * James's {@link MailboxManagerTest} on our mailbox manager. Excluded: the pre-deletion hook tests (they identify
 * messages by store-wide message ids, which this store, like James's JPA mailbox, does not keep).
 */
abstract class JdbcMailboxManagerContract extends MailboxManagerTest<MailwrightMailboxManager> {
    private MailwrightMailboxManager manager;

    abstract TestDatabase database();

    @Override
    protected MailwrightMailboxManager provideMailboxManager() {
        if (manager == null) {
            manager = TestMailboxManagers.create(database(), preDeletionHooks());
        }
        return manager;
    }

    @Override
    protected SubscriptionManager provideSubscriptionManager() {
        return new StoreSubscriptionManager(provideMailboxManager().getMapperFactory(), provideMailboxManager().getMapperFactory(),
            provideMailboxManager().getEventBus());
    }

    @Override
    protected EventBus retrieveEventBus(MailwrightMailboxManager mailboxManager) {
        return mailboxManager.getEventBus();
    }

    @Disabled("identifies messages by store-wide message ids, which this store does not keep (as James's JPA mailbox)")
    @Nested
    class HookTests {
    }
}
