package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresCurrentQuotaManagerTest extends JdbcCurrentQuotaManagerContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
