package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresMessageMoveTest extends JdbcMessageMoveContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
