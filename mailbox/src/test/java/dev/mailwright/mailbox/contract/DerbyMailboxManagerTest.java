package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyMailboxManagerTest extends JdbcMailboxManagerContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
