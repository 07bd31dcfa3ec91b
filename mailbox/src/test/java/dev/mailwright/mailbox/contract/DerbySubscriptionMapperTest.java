package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbySubscriptionMapperTest extends JdbcSubscriptionMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
