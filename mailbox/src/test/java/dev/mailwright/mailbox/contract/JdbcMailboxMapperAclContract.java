package dev.mailwright.mailbox.contract;

import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperACLTest;

import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestStore;

abstract class JdbcMailboxMapperAclContract extends MailboxMapperACLTest {
    abstract TestDatabase database();

    @Override
    protected MailboxMapper createMailboxMapper() {
        return TestStore.on(database(), java.time.Clock.systemUTC()).mappers().createMailboxMapper(null);
    }
}
