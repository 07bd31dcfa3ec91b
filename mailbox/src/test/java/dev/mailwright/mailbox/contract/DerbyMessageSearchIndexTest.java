package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyMessageSearchIndexTest extends JdbcMessageSearchIndexContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
