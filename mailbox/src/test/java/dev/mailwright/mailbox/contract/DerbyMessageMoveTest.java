package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyMessageMoveTest extends JdbcMessageMoveContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
