package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresSubscriptionMapperTest extends JdbcSubscriptionMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
