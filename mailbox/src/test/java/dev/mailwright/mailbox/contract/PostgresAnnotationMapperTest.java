package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class PostgresAnnotationMapperTest extends JdbcAnnotationMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
