package dev.mailwright.mailbox.contract;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperTest;

import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestStore;

abstract class JdbcMailboxMapperContract extends MailboxMapperTest {
    abstract TestDatabase database();

    @Override
    protected MailboxMapper createMailboxMapper() {
        return TestStore.on(database(), java.time.Clock.systemUTC()).mappers().createMailboxMapper(null);
    }

    @Override
    protected MailboxId generateId() {
        return JdbcMailboxId.of(Math.abs(ThreadLocalRandom.current().nextInt()));
    }
}
