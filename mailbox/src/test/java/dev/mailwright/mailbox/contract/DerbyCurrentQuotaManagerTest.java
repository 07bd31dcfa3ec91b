package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyCurrentQuotaManagerTest extends JdbcCurrentQuotaManagerContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
