package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresMailboxManagerTest extends JdbcMailboxManagerContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
