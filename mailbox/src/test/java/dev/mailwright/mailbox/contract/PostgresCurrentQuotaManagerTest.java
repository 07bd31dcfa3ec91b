package dev.mailwright.mailbox.contract;

import org.junit.jupiter.api.condition.EnabledIf;

import dev.mailwright.mailbox.support.TestDatabase;

@EnabledIf("dev.mailwright.mailbox.support.TestDatabase#postgresConfigured")
class PostgresCurrentQuotaManagerTest extends JdbcCurrentQuotaManagerContract {
    @Override
    TestDatabase database() {
        return TestDatabase.postgres();
    }
}
