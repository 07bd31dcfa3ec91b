package dev.mailwright.mailbox.contract;

import dev.mailwright.mailbox.support.TestDatabase;

class DerbyAnnotationMapperTest extends JdbcAnnotationMapperContract {
    @Override
    TestDatabase database() {
        return TestDatabase.derby();
    }
}
