package dev.mailwright.mailbox.support;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.lang3.NotImplementedException;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.mail.model.MapperProvider;

import dev.mailwright.mailbox.model.JdbcMailboxId;

/** James's {@link MapperProvider} over our mappers, for its contract tests. */
public final class JdbcMapperProvider implements MapperProvider {
    private final TestStore store;

    public JdbcMapperProvider(TestStore store) {
        this.store = store;
    }

    @Override
    public List<Capabilities> getSupportedCapabilities() {
        return List.of(Capabilities.MESSAGE, Capabilities.MAILBOX, Capabilities.ANNOTATION, Capabilities.MOVE,
            Capabilities.THREAD_SAFE_FLAGS_UPDATE, Capabilities.ACL_STORAGE);
    }

    @Override
    public MailboxMapper createMailboxMapper() {
        return store.mappers().createMailboxMapper(null);
    }

    @Override
    public MessageMapper createMessageMapper() {
        return store.mappers().createMessageMapper(null);
    }

    @Override
    public MessageIdMapper createMessageIdMapper() {
        throw new NotImplementedException("no store-wide message ids");
    }

    @Override
    public AttachmentMapper createAttachmentMapper() {
        throw new NotImplementedException("attachments are not stored apart");
    }

    @Override
    public MailboxId generateId() {
        return JdbcMailboxId.of(Math.abs(ThreadLocalRandom.current().nextInt()));
    }

    @Override
    public MessageUid generateMessageUid() {
        throw new NotImplementedException("not used by the contracts we run");
    }

    @Override
    public ModSeq generateModSeq(Mailbox mailbox) {
        throw new NotImplementedException("not used by the contracts we run");
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) {
        throw new NotImplementedException("not used by the contracts we run");
    }

    @Override
    public boolean supportPartialAttachmentFetch() {
        return false;
    }

    @Override
    public MessageId generateMessageId() {
        return new DefaultMessageId.Factory().generate();
    }
}
