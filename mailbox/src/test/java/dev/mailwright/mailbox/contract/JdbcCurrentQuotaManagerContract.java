package dev.mailwright.mailbox.contract;

import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.apache.james.mailbox.store.quota.CurrentQuotaManagerContract;
import org.junit.jupiter.api.BeforeEach;

import dev.mailwright.mailbox.quota.JdbcCurrentQuotaManager;
import dev.mailwright.mailbox.support.TestDatabase;

abstract class JdbcCurrentQuotaManagerContract implements CurrentQuotaManagerContract {
    private CurrentQuotaManager testee;

    abstract TestDatabase database();

    @BeforeEach
    void setUp() {
        database().clean();
        testee = new JdbcCurrentQuotaManager(database().database());
    }

    @Override
    public CurrentQuotaManager testee() {
        return testee;
    }
}
