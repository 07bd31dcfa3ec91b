package dev.mailwright.mailbox.contract;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.model.AnnotationMapperTest;

import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestStore;

abstract class JdbcAnnotationMapperContract extends AnnotationMapperTest {
    abstract TestDatabase database();

    @Override
    protected AnnotationMapper createAnnotationMapper() {
        return TestStore.on(database(), java.time.Clock.systemUTC()).mappers().createAnnotationMapper(null);
    }

    @Override
    protected MailboxId generateMailboxId() {
        return JdbcMailboxId.of(Math.abs(ThreadLocalRandom.current().nextInt()));
    }
}
