package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresMessageSearchIndexTest extends JdbcMessageSearchIndexContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
