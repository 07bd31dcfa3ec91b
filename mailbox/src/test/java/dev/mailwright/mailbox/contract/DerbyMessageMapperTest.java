package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyMessageMapperTest extends JdbcMessageMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
