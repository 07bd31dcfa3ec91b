package dev.mailwright.mailbox.contract;

import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapperTest;

import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestStore;

abstract class JdbcSubscriptionMapperContract extends SubscriptionMapperTest {
    abstract TestDatabase database();

    @Override
    protected SubscriptionMapper createSubscriptionMapper() {
        return TestStore.on(database(), java.time.Clock.systemUTC()).mappers().createSubscriptionMapper(null);
    }
}
