package dev.mailwright.mailbox;

import java.time.Clock;
import java.util.EnumSet;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.ingest.MessageIngest;
import dev.mailwright.mailbox.mapper.JdbcMailboxSessionMapperFactory;

/**
 * James's store mailbox manager over our mappers, whose folders append through {@link MailwrightMessageManager}.
 *
 * <p>Capabilities are those of James's JPA mailbox it replaces. ACLs are stored (and enforced by James's right
 * manager), but the IMAP ACL extension is not announced: James ties it to search across the mailboxes shared with
 * a user by store-wide message ids, which this store (like the JPA one) does not keep.
 */
public class MailwrightMailboxManager extends StoreMailboxManager {
    public static final EnumSet<MailboxCapabilities> CAPABILITIES = EnumSet.of(MailboxCapabilities.UserFlag,
        MailboxCapabilities.Namespace, MailboxCapabilities.Move, MailboxCapabilities.Annotation);

    private final BlobStore blobs;
    private final MessageIngest ingest;

    @Inject
    public MailwrightMailboxManager(JdbcMailboxSessionMapperFactory mappers, SessionProvider sessionProvider,
                                    MailboxPathLocker locker, MessageId.Factory messageIdFactory,
                                    StoreMailboxAnnotationManager annotationManager, EventBus eventBus,
                                    StoreRightManager storeRightManager, QuotaComponents quotaComponents,
                                    MessageSearchIndex index, MailboxManagerConfiguration configuration,
                                    PreDeletionHooks preDeletionHooks, ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm,
                                    Clock clock, BlobStore blobs, MessageIngest ingest) {
        super(mappers, sessionProvider, locker, new MessageParser(), messageIdFactory, annotationManager, eventBus,
            storeRightManager, quotaComponents, index, configuration, preDeletionHooks, threadIdGuessingAlgorithm, clock);
        this.blobs = blobs;
        this.ingest = ingest;
    }

    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new MailwrightMessageManager((JdbcMailboxSessionMapperFactory) getMapperFactory(), getMessageSearchIndex(), getEventBus(), getLocker(), mailbox,
            getQuotaComponents().getQuotaManager(), getQuotaComponents().getQuotaRootResolver(), configuration.getBatchSizes(),
            getStoreRightManager(), getPreDeletionHooks(), blobs, ingest, getClock(), getMessageIdFactory());
    }

    public org.apache.james.mailbox.store.search.MessageSearchIndex searchIndex() {
        return getMessageSearchIndex();
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return CAPABILITIES;
    }
}
