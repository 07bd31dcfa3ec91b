package dev.mailwright.mailbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.ReadOnlyException;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.store.BatchSizes;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.MessageFactory;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.event.EventFactory;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.quota.QuotaChecker;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.ingest.IngestedMessage;
import dev.mailwright.mailbox.ingest.MessageIngest;
import dev.mailwright.mailbox.ingest.MimeNestingLimitException;
import dev.mailwright.mailbox.mapper.JdbcMailboxSessionMapperFactory;
import dev.mailwright.mailbox.model.StoredMessage;
import reactor.core.publisher.Mono;

/**
 * A folder of the store, with our own append path. Per appended message, exactly:
 * <ol>
 *   <li>the content is read once and streamed into the blob store (fsynced), parsed on the way for what the row
 *       needs, its MIME nesting checked ({@link MessageIngest}); no lock is held;</li>
 *   <li>the quota is checked;</li>
 *   <li>under the folder's write lock: ONE database transaction (UID and modseq on the folder row, message row,
 *       quota usage), then the "added" event for IMAP sessions;</li>
 * </ol>
 * and nothing else: no attachment parsing, no indexing, no re-reading. (A delivery the spool repeats after a crash is
 * recognized before it reaches the store, by {@code DeliverOnce} in the server's mailet chain.) Any failure
 * ({@link Throwable} included)
 * releases the lock, removes the blob if the message was not committed, and fails the append with a
 * {@link MailboxException}.
 */
public class MailwrightMessageManager extends StoreMessageManager {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailwrightMessageManager.class);

    private final Mailbox mailbox;
    private final JdbcMailboxSessionMapperFactory mappers;
    private final MailboxPathLocker locker;
    private final EventBus eventBus;
    private final QuotaManager quotaManager;
    private final QuotaRootResolver quotaRootResolver;
    private final BlobStore blobs;
    private final MessageIngest ingest;

    public MailwrightMessageManager(JdbcMailboxSessionMapperFactory mappers, MessageSearchIndex index, EventBus eventBus,
                                    MailboxPathLocker locker, Mailbox mailbox, QuotaManager quotaManager,
                                    QuotaRootResolver quotaRootResolver, BatchSizes batchSizes,
                                    StoreRightManager storeRightManager, PreDeletionHooks preDeletionHooks,
                                    BlobStore blobs, MessageIngest ingest, java.time.Clock clock,
                                    org.apache.james.mailbox.model.MessageId.Factory messageIdFactory) {
        super(StoreMailboxManager.DEFAULT_NO_MESSAGE_CAPABILITIES, mappers, index, eventBus, locker, mailbox, quotaManager,
            quotaRootResolver, batchSizes, storeRightManager, preDeletionHooks,
            // only James's own append path would use it, and it is replaced below
            new MessageStorer.WithoutAttachment(mappers, messageIdFactory, new MessageFactory.StoreMessageFactory(),
                new NaiveThreadIdGuessingAlgorithm(), clock));
        this.mailbox = mailbox;
        this.mappers = mappers;
        this.locker = locker;
        this.eventBus = eventBus;
        this.quotaManager = quotaManager;
        this.quotaRootResolver = quotaRootResolver;
        this.blobs = blobs;
        this.ingest = ingest;
    }

    /** User flags (keywords) are stored. */
    @Override
    public Flags getPermanentFlags(MailboxSession session) {
        Flags flags = super.getPermanentFlags(session);
        flags.add(Flags.Flag.USER);
        return flags;
    }

    @Override
    public AppendResult appendMessage(AppendCommand command, MailboxSession session) throws MailboxException {
        return append(command.getMsgIn(), command.getInternalDate(), session, command.isRecent(), command.getFlags(), command.isDelivery());
    }

    @Override
    public Publisher<AppendResult> appendMessageReactive(AppendCommand command, MailboxSession session) {
        return Mono.fromCallable(() -> appendMessage(command, session))
            .subscribeOn(MailboxLocks.WAITING);
    }

    @Override
    public AppendResult appendMessage(InputStream content, Date internalDate, MailboxSession session, boolean isRecent,
                                      Flags flags) throws MailboxException {
        return append(new Content() {
            @Override
            public InputStream getInputStream() {
                return content;
            }

            @Override
            public long size() {
                return -1;
            }
        }, internalDate, session, isRecent, flags, false);
    }

    private AppendResult append(Content content, Date internalDate, MailboxSession session, boolean isRecent,
                                Flags requestedFlags, boolean isDelivery) throws MailboxException {
        if (!isWriteable(session)) {
            throw new ReadOnlyException(getMailboxPath());
        }
        IngestedMessage ingested = ingest(content);
        boolean committed = false;
        try {
            checkQuota(ingested.size());
            // the caller's object, as James's own append path does (callers compare it with what is stored)
            Flags flags = requestedFlags == null ? new Flags() : requestedFlags;
            if (isRecent) {
                flags.add(Flags.Flag.RECENT);
            }
            StoredMessage message = new StoredMessage(blobs, ingested.blob(), ingested.blobFromBody(), ingested.header(),
                new DefaultMessageId(), mailbox.getMailboxId(), null, null, internalDate == null ? new Date() : internalDate, Optional.empty(), ingested.size(),
                ingested.bodyStart(), ingested.properties().build().getMediaType(), ingested.properties().build().getSubType(),
                ingested.properties().getTextualLineCount(), ingested.properties().toProperties(), flags);
            boolean[] stored = new boolean[1];
            MessageMetaData metaData;
            try {
                metaData = locker.executeWithLock(getMailboxPath(), () -> {
                    MessageMetaData added = mappers.getMessageMapper(session).add(mailbox, message);
                    stored[0] = true;
                    eventBus.dispatch(EventFactory.added()
                            .randomEventId()
                            .mailboxSession(session)
                            .mailbox(mailbox)
                            .addMetaData(added)
                            .isDelivery(isDelivery)
                            .build(),
                        new MailboxIdRegistrationKey(mailbox.getMailboxId()))
                        .block();
                    return added;
                }, MailboxPathLocker.LockType.Write);
            } finally {
                committed = stored[0];
            }
            return result(metaData);
        } catch (MailboxException e) {
            throw e;
        } catch (Throwable e) {
            LOGGER.error("Append to {} failed", getMailboxPath().asString(), e);
            throw new MailboxException("Cannot store the message: " + e, e);
        } finally {
            if (!committed) {
                blobs.delete(List.of(ingested.blob()));
            }
        }
    }

    private AppendResult result(MessageMetaData metaData) {
        return new AppendResult(new ComposedMessageId(mailbox.getMailboxId(), metaData.getMessageId(), metaData.getUid()),
            metaData.getSize(), Optional.<List<org.apache.james.mailbox.model.MessageAttachmentMetadata>>empty(),
            metaData.getThreadId());
    }

    private IngestedMessage ingest(Content content) throws MailboxException {
        try (InputStream input = content.getInputStream()) {
            return ingest.ingest(input);
        } catch (MimeNestingLimitException e) {
            throw e;
        } catch (IOException e) {
            throw new MailboxException("Cannot read the message: " + e.getMessage(), e);
        } catch (Throwable e) {
            LOGGER.error("Reading a message for {} failed", getMailboxPath().asString(), e);
            throw new MailboxException("Cannot read the message: " + e, e);
        }
    }

    private void checkQuota(long size) throws MailboxException {
        QuotaRoot quotaRoot = quotaRootResolver.getQuotaRoot(getMailboxPath());
        QuotaManager.Quotas quotas = Mono.from(quotaManager.getQuotasReactive(quotaRoot)).block();
        new QuotaChecker(quotas, quotaRoot).tryAddition(1, size);
    }

    /**
     * Counters for SELECT/STATUS under the folder's read lock: an append holds the write lock from its commit to the
     * delivery of its event to the IMAP sessions, so the count never includes a message a session has not been told
     * about (which would make the session answer a FETCH of it with "BAD Invalid messageset").
     */
    @Override
    public Mono<MailboxMetaData> getMetaDataReactive(MailboxMetaData.RecentMode recentMode, MailboxSession session,
                                                     EnumSet<MailboxMetaData.Item> items) throws MailboxException {
        return Mono.fromCallable(() -> locker.executeWithLock(getMailboxPath(),
                () -> super.getMetaDataReactive(recentMode, session, items).block(), MailboxPathLocker.LockType.Read))
            .subscribeOn(MailboxLocks.WAITING);
    }

    @Override
    public MailboxMetaData getMetaData(MailboxMetaData.RecentMode recentMode, MailboxSession session,
                                       EnumSet<MailboxMetaData.Item> items) throws MailboxException {
        return locker.executeWithLock(getMailboxPath(),
            () -> super.getMetaDataReactive(recentMode, session, items).block(), MailboxPathLocker.LockType.Read);
    }
}
