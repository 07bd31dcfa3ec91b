package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresMailboxMapperAclTest extends JdbcMailboxMapperAclContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
