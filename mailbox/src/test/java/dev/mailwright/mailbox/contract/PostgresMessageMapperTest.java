package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresMessageMapperTest extends JdbcMessageMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
