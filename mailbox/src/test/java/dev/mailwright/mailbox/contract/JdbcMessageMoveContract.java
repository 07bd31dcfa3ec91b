package dev.mailwright.mailbox.contract;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMoveTest;

import dev.mailwright.mailbox.support.JdbcMapperProvider;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestStore;

abstract class JdbcMessageMoveContract extends MessageMoveTest {
    abstract TestDatabase database();

    @Override
    protected MapperProvider createMapperProvider() {
        return new JdbcMapperProvider(TestStore.on(database(), java.time.Clock.systemUTC()));
    }
}
