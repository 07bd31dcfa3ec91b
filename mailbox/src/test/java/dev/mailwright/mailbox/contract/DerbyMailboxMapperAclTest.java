package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyMailboxMapperAclTest extends JdbcMailboxMapperAclContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
