package dev.mailwright.mailbox.mapper;

import java.time.Clock;

import org.apache.commons.lang3.NotImplementedException;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.db.MailboxDatabase;

/**
 * The mappers of the store. They hold no connection and no state: one instance of each serves every session.
 * Messages have no store-wide id (as with James's JPA mailbox), hence no {@link MessageIdMapper}.
 */
public class JdbcMailboxSessionMapperFactory extends MailboxSessionMapperFactory {
    private final JdbcMailboxMapper mailboxMapper;
    private final JdbcMessageMapper messageMapper;
    private final JdbcSubscriptionMapper subscriptionMapper;
    private final JdbcAnnotationMapper annotationMapper;
    private final JdbcUidProvider uidProvider;
    private final JdbcModSeqProvider modSeqProvider;

    public JdbcMailboxSessionMapperFactory(MailboxDatabase database, BlobStore blobs, Clock clock) {
        this.mailboxMapper = new JdbcMailboxMapper(database, blobs);
        this.messageMapper = new JdbcMessageMapper(database, blobs, clock);
        this.subscriptionMapper = new JdbcSubscriptionMapper(database);
        this.annotationMapper = new JdbcAnnotationMapper(database);
        this.uidProvider = new JdbcUidProvider(database);
        this.modSeqProvider = new JdbcModSeqProvider(database);
    }

    @Override
    public AnnotationMapper createAnnotationMapper(MailboxSession session) {
        return annotationMapper;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return messageMapper;
    }

    @Override
    public MessageIdMapper createMessageIdMapper(MailboxSession session) {
        throw new NotImplementedException("Messages have no store-wide id in this store");
    }

    @Override
    public MailboxMapper createMailboxMapper(MailboxSession session) {
        return mailboxMapper;
    }

    @Override
    public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
        return subscriptionMapper;
    }

    @Override
    public UidProvider getUidProvider() {
        return uidProvider;
    }

    @Override
    public ModSeqProvider getModSeqProvider() {
        return modSeqProvider;
    }

    public JdbcMessageMapper messageMapper() {
        return messageMapper;
    }
}
