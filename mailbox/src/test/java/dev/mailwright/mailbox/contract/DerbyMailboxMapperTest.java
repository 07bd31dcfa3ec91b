package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyMailboxMapperTest extends JdbcMailboxMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
