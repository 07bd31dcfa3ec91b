package dev.mailwright.mailbox.contract;

import org.junit.jupiter.api.condition.EnabledIf;

import dev.mailwright.mailbox.support.TestDatabase;

@EnabledIf("dev.mailwright.mailbox.support.TestDatabase#postgresConfigured")
class PostgresMailboxMapperTest extends JdbcMailboxMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
