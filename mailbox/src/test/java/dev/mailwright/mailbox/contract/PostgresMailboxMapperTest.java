package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresMailboxMapperTest extends JdbcMailboxMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
