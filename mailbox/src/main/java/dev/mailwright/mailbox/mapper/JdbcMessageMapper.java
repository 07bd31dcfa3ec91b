package dev.mailwright.mailbox.mapper;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.ApplicableFlagBuilder;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import com.google.common.io.ByteStreams;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;
import dev.mailwright.mailbox.db.Dialect;
import dev.mailwright.mailbox.db.MailboxDatabase;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.model.StoredMessage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Messages of {@code MW_MESSAGE}. Each method is one transaction of its own; {@link #add} is the delivery path's
 * only transaction: allocate UID and modseq on the folder's row, insert the message row, update the quota usage.
 * The body is in the {@link BlobStore} before that transaction starts, and removed only after the transaction that
 * deleted its row committed.
 */
public class JdbcMessageMapper implements MessageMapper {
    private final MailboxDatabase database;
    private final BlobStore blobs;
    private final Clock clock;

    public JdbcMessageMapper(MailboxDatabase database, BlobStore blobs, Clock clock) {
        this.database = database;
        this.blobs = blobs;
        this.clock = clock;
    }

    private static long id(Mailbox mailbox) {
        return JdbcMailboxId.of(mailbox.getMailboxId()).value();
    }

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit) throws MailboxException {
        return find(mailbox, set, type, limit).iterator();
    }

    private List<MailboxMessage> find(Mailbox mailbox, MessageRange set, FetchType type, int limit) throws MailboxException {
        boolean full = type != FetchType.METADATA;
        return database.query("read messages", connection -> {
            try (PreparedStatement statement = MessageRows.select(connection,
                full ? MessageRows.ALL_COLUMNS : MessageRows.METADATA_COLUMNS, id(mailbox), set, "")) {
                // always set: the pool keeps prepared statements, and a limit set by the previous user of this
                // statement would otherwise still apply (0 = no limit)
                statement.setMaxRows(Math.max(limit, 0));
                List<MailboxMessage> messages = new ArrayList<>();
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        messages.add(MessageRows.read(rows, blobs, mailbox.getMailboxId(), full));
                    }
                }
                return messages;
            }
        });
    }

    /**
     * Messages page by page ({@value #PAGE} rows at a time), so that a FETCH of a whole large folder never holds all
     * its rows (and header blocks) in memory at once.
     */
    @Override
    public Flux<MailboxMessage> findInMailboxReactive(Mailbox mailbox, MessageRange set, FetchType type, int limit) {
        int page = limit > 0 ? Math.min(limit, PAGE) : PAGE;
        Flux<MailboxMessage> messages = page(mailbox, set, type, page)
            .expand(previous -> previous.size() < page
                ? Mono.empty()
                : rest(set, previous.get(previous.size() - 1).getUid().next())
                    .map(rest -> page(mailbox, rest, type, page))
                    .orElse(Mono.empty()))
            .flatMapIterable(list -> list);
        return limit > 0 ? messages.take(limit) : messages;
    }

    private static final int PAGE = 500;

    private Mono<List<MailboxMessage>> page(Mailbox mailbox, MessageRange set, FetchType type, int size) {
        return Mono.fromCallable(() -> find(mailbox, set, type, size))
            .subscribeOn(Schedulers.boundedElastic());
    }

    /** What is left of a range from {@code from} on, if anything. */
    private static Optional<MessageRange> rest(MessageRange set, MessageUid from) {
        switch (set.getType()) {
            case ONE:
                return Optional.empty();
            case RANGE:
                return from.compareTo(set.getUidTo()) <= 0 ? Optional.of(MessageRange.range(from, set.getUidTo())) : Optional.empty();
            case FROM:
            case ALL:
            default:
                return Optional.of(MessageRange.from(from));
        }
    }

    @Override
    public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range) throws MailboxException {
        return database.query("list deleted messages", connection -> uids(connection, mailbox, range, " AND IS_DELETED = 1"));
    }

    private static List<MessageUid> uids(Connection connection, Mailbox mailbox, MessageRange range, String extra) throws SQLException {
        List<MessageUid> uids = new ArrayList<>();
        try (PreparedStatement statement = MessageRows.select(connection, "UID", id(mailbox), range, extra);
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                uids.add(MessageUid.of(rows.getLong(1)));
            }
        }
        return uids;
    }

    @Override
    public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        try {
            return database.query("count messages", connection -> FolderCounters.messageCount(connection, id(mailbox)));
        } catch (MailboxException e) {
            throw notFoundIfMissing(mailbox, e);
        }
    }

    @Override
    public MailboxCounters getMailboxCounters(Mailbox mailbox) throws MailboxException {
        return database.query("count messages", connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT COUNT(*), SUM(1 - IS_SEEN) FROM MW_MESSAGE WHERE MAILBOX_ID = ?", id(mailbox));
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                return MailboxCounters.builder()
                    .mailboxId(mailbox.getMailboxId())
                    .count(rows.getLong(1))
                    .unseen(rows.getLong(2))
                    .build();
            }
        });
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        deleteMessages(mailbox, List.of(message.getUid()));
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        if (uids.isEmpty()) {
            return Map.of();
        }
        List<MessageUid> sorted = new ArrayList<>(uids);
        Collections.sort(sorted);
        Map<MessageUid, MessageMetaData> deleted = new LinkedHashMap<>();
        List<BlobId> bodies = new ArrayList<>();
        String quotaRoot = QuotaUsage.rootOf(mailbox);
        database.transaction("delete messages", connection -> {
            deleted.clear();
            bodies.clear();
            long size = 0;
            // lock order of every writer: folder row, message rows, quota row
            FolderCounters.lock(connection, id(mailbox));
            for (MessageRange range : MessageRange.toRanges(sorted)) {
                try (PreparedStatement statement = MessageRows.select(connection, MessageRows.METADATA_COLUMNS, id(mailbox), range, "");
                     ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        StoredMessage row = MessageRows.read(result, blobs, mailbox.getMailboxId(), false);
                        deleted.put(row.getUid(), row.metaData());
                        bodies.add(row.blobId());
                        size += row.getFullContentOctets();
                    }
                }
                List<Object> arguments = new ArrayList<>();
                arguments.add(id(mailbox));
                String condition = MessageRows.rangeCondition(range, arguments);
                MailboxDatabase.update(connection, "DELETE FROM MW_MESSAGE WHERE MAILBOX_ID = ?" + condition, arguments.toArray());
            }
            FolderCounters.removed(connection, id(mailbox), deleted.size());
            QuotaUsage.add(connection, database.dialect(), quotaRoot, -deleted.size(), -size);
            return null;
        });
        blobs.delete(bodies);
        return deleted;
    }

    @Override
    public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
        return database.query("find the first unseen message", connection -> {
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT MIN(UID) FROM MW_MESSAGE WHERE MAILBOX_ID = ? AND IS_SEEN = 0", id(mailbox));
                 ResultSet rows = statement.executeQuery()) {
                rows.next();
                long uid = rows.getLong(1);
                return rows.wasNull() ? null : MessageUid.of(uid);
            }
        });
    }

    @Override
    public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
        return database.query("list recent messages", connection -> uids(connection, mailbox, MessageRange.all(), " AND IS_RECENT = 1"));
    }

    @Override
    public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        StoredMessage stored = toStored(mailbox, message);
        boolean committed = false;
        try {
            MessageMetaData metaData = database.transaction("store a message", connection -> {
                FolderCounters.Allocation allocation = FolderCounters.allocate(connection, database.dialect(), id(mailbox), 1);
                stored.setUid(allocation.firstUid());
                stored.setModSeq(allocation.modSeq());
                MessageRows.insert(connection, id(mailbox), stored, database.dialect());
                QuotaUsage.add(connection, database.dialect(), QuotaUsage.rootOf(mailbox), 1, stored.getFullContentOctets());
                return stored.metaData();
            });
            committed = true;
            message.setUid(stored.getUid());
            message.setModSeq(stored.getModSeq());
            return metaData;
        } catch (MailboxException e) {
            throw notFoundIfMissing(mailbox, e);
        } finally {
            if (!committed && stored != message) {
                // the body was written for this call only: nothing references it
                blobs.delete(List.of(stored.blobId()));
            }
        }
    }

    /**
     * The message as this store keeps it. Messages of our own append path arrive with their body already in the
     * blob store; any other (James's tests, copies from elsewhere) is written to the blob store here, before the
     * transaction.
     */
    private StoredMessage toStored(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        if (message instanceof StoredMessage stored) {
            stored.setMailboxId(mailbox.getMailboxId());
            if (stored.getSaveDate().isEmpty()) {
                stored.setSaveDate(Date.from(clock.instant()));
            }
            return stored;
        }
        try {
            BlobId blob;
            try (InputStream content = message.getFullContent()) {
                blob = blobs.write(content);
            }
            byte[] header;
            long headerOctets = message.getHeaderOctets();
            if (headerOctets <= Dialect.MAX_SHORT_BINARY) {
                try (InputStream headerContent = message.getHeaderContent()) {
                    header = ByteStreams.toByteArray(ByteStreams.limit(headerContent, Dialect.MAX_SHORT_BINARY));
                }
            } else {
                header = null;
            }
            Date saveDate = message.getSaveDate().orElseGet(() -> Date.from(clock.instant()));
            return new StoredMessage(blobs, blob, header, message.getMessageId(), mailbox.getMailboxId(), message.getUid(),
                message.getModSeq(), message.getInternalDate(), Optional.of(saveDate), message.getFullContentOctets(),
                (int) (message.getFullContentOctets() - message.getBodyOctets()), message.getMediaType(),
                message.getSubType(), message.getTextualLineCount(), message.getProperties().toProperties(),
                message.createFlags());
        } catch (IOException e) {
            throw new MailboxException("Cannot store the body of a message: " + e.getMessage(), e);
        }
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) throws MailboxException {
        return updateFlagsList(mailbox, calculator, set).iterator();
    }

    @Override
    public Mono<List<UpdatedFlags>> updateFlagsReactive(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) {
        return Mono.fromCallable(() -> updateFlagsList(mailbox, calculator, set))
            .subscribeOn(Schedulers.boundedElastic());
    }

    private List<UpdatedFlags> updateFlagsList(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) throws MailboxException {
        try {
            return database.transaction("update flags", connection -> {
                long mailboxId = id(mailbox);
                FolderCounters.lock(connection, mailboxId);
                List<long[]> uidsAndModSeqs = new ArrayList<>();
                List<Flags> oldFlags = new ArrayList<>();
                try (PreparedStatement statement = MessageRows.select(connection,
                    "UID, MODSEQ, IS_ANSWERED, IS_DELETED, IS_DRAFT, IS_FLAGGED, IS_RECENT, IS_SEEN, USER_FLAGS", mailboxId, set, "");
                     ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        uidsAndModSeqs.add(new long[] {rows.getLong("UID"), rows.getLong("MODSEQ")});
                        oldFlags.add(MessageRows.flags(rows));
                    }
                }
                List<UpdatedFlags> updates = new ArrayList<>();
                ModSeq modSeq = null;
                for (int i = 0; i < uidsAndModSeqs.size(); i++) {
                    Flags before = oldFlags.get(i);
                    Flags after = calculator.buildNewFlags(before);
                    long uid = uidsAndModSeqs.get(i)[0];
                    ModSeq messageModSeq = ModSeq.of(uidsAndModSeqs.get(i)[1]);
                    if (UpdatedFlags.flagsChanged(before, after)) {
                        if (modSeq == null) {
                            modSeq = FolderCounters.nextModSeq(connection, database.dialect(), mailboxId);
                        }
                        messageModSeq = modSeq;
                        MailboxDatabase.update(connection, "UPDATE MW_MESSAGE SET MODSEQ = ?, IS_ANSWERED = ?, IS_DELETED = ?, "
                                + "IS_DRAFT = ?, IS_FLAGGED = ?, IS_RECENT = ?, IS_SEEN = ?, USER_FLAGS = ? WHERE MAILBOX_ID = ? AND UID = ?",
                            modSeq.asLong(), after.contains(Flags.Flag.ANSWERED), after.contains(Flags.Flag.DELETED),
                            after.contains(Flags.Flag.DRAFT), after.contains(Flags.Flag.FLAGGED), after.contains(Flags.Flag.RECENT),
                            after.contains(Flags.Flag.SEEN), MessageRows.userFlags(after), mailboxId, uid);
                    }
                    updates.add(UpdatedFlags.builder()
                        .uid(MessageUid.of(uid))
                        .modSeq(messageModSeq)
                        .oldFlags(before)
                        .newFlags(after)
                        .build());
                }
                return updates;
            });
        } catch (MailboxException e) {
            throw notFoundIfMissing(mailbox, e);
        }
    }

    @Override
    public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        return copy(mailbox, List.of(original)).get(0);
    }

    @Override
    public List<MessageMetaData> copy(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
        if (originals.isEmpty()) {
            return List.of();
        }
        List<StoredMessage> copies = new ArrayList<>();
        boolean committed = false;
        try {
            for (MailboxMessage original : originals) {
                copies.add(copyOf(mailbox, original));
            }
            List<MessageMetaData> result = database.transaction("copy messages", connection -> {
                FolderCounters.Allocation allocation = FolderCounters.allocate(connection, database.dialect(), id(mailbox), copies.size());
                long uid = allocation.firstUid().asLong();
                long size = 0;
                List<MessageMetaData> metaData = new ArrayList<>();
                for (StoredMessage copy : copies) {
                    copy.setUid(MessageUid.of(uid++));
                    copy.setModSeq(allocation.modSeq());
                    MessageRows.insert(connection, id(mailbox), copy, database.dialect());
                    size += copy.getFullContentOctets();
                    metaData.add(copy.metaData());
                }
                QuotaUsage.add(connection, database.dialect(), QuotaUsage.rootOf(mailbox), copies.size(), size);
                return metaData;
            });
            committed = true;
            return result;
        } catch (MailboxException e) {
            throw notFoundIfMissing(mailbox, e);
        } finally {
            if (!committed) {
                blobs.delete(copies.stream().map(StoredMessage::blobId).toList());
            }
        }
    }

    /** A copy with a body of its own (a hard link for files), marked \Recent, saved now. */
    private StoredMessage copyOf(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        StoredMessage source = original instanceof StoredMessage stored ? stored : reload(original);
        if (source.blobFromBody() && source.headerBytes() == null) {
            // read for its metadata only: the copy needs the header block, which its blob does not hold
            source = reload(original);
        }
        try {
            BlobId blob = blobs.copy(source.blobId());
            Flags flags = original.createFlags();
            flags.add(Flags.Flag.RECENT);
            byte[] header = source.headerBytes();
            return new StoredMessage(blobs, blob, source.blobFromBody(), header, original.getMessageId(),
                mailbox.getMailboxId(), original.getUid(), original.getModSeq(), original.getInternalDate(), Optional.of(Date.from(clock.instant())),
                source.getFullContentOctets(), source.bodyStart(), source.getMediaType(), source.getSubType(),
                source.getTextualLineCount(), source.propertyList(), flags);
        } catch (IOException e) {
            throw new MailboxException("Cannot copy the body of message " + original.getUid() + ": " + e.getMessage(), e);
        }
    }

    /** Full row of a message handed to us as metadata only (header and properties were not read). */
    private StoredMessage reload(MailboxMessage original) throws MailboxException {
        Mailbox source = new Mailbox(null, null, original.getMailboxId());
        List<MailboxMessage> found = database.query("read a message", connection -> {
            try (PreparedStatement statement = MessageRows.select(connection, MessageRows.ALL_COLUMNS,
                JdbcMailboxId.of(original.getMailboxId()).value(), MessageRange.one(original.getUid()), "");
                 ResultSet rows = statement.executeQuery()) {
                List<MailboxMessage> list = new ArrayList<>();
                if (rows.next()) {
                    list.add(MessageRows.read(rows, blobs, source.getMailboxId(), true));
                }
                return list;
            }
        });
        if (found.isEmpty()) {
            throw new MailboxException("Message " + original.getUid() + " of mailbox " + original.getMailboxId() + " no longer exists");
        }
        return (StoredMessage) found.get(0);
    }

    @Override
    public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        return move(mailbox, List.of(original)).get(0);
    }

    @Override
    public List<MessageMetaData> move(Mailbox mailbox, List<MailboxMessage> originals) throws MailboxException {
        if (originals.isEmpty()) {
            return List.of();
        }
        try {
            return database.transaction("move messages", connection -> {
                FolderCounters.Allocation allocation = FolderCounters.allocate(connection, database.dialect(), id(mailbox), originals.size());
                long uid = allocation.firstUid().asLong();
                long saveDate = clock.millis();
                Map<String, long[]> quotaChanges = new HashMap<>();
                String targetRoot = QuotaUsage.rootOf(mailbox);
                List<MessageMetaData> metaData = new ArrayList<>();
                for (MailboxMessage original : originals) {
                    long from = JdbcMailboxId.of(original.getMailboxId()).value();
                    int moved = MailboxDatabase.update(connection, "UPDATE MW_MESSAGE SET MAILBOX_ID = ?, UID = ?, MODSEQ = ?, "
                            + "SAVE_DATE = ?, IS_RECENT = 1 WHERE MAILBOX_ID = ? AND UID = ?",
                        id(mailbox), uid, allocation.modSeq().asLong(), saveDate, from, original.getUid().asLong());
                    if (moved == 0) {
                        throw new SQLException("Message " + original.getUid() + " of mailbox " + from + " no longer exists");
                    }
                    Flags flags = original.createFlags();
                    flags.add(Flags.Flag.RECENT);
                    metaData.add(new MessageMetaData(MessageUid.of(uid), allocation.modSeq(), flags,
                        original.getFullContentOctets(), original.getInternalDate(), Optional.of(new Date(saveDate)),
                        original.getMessageId(), original.getThreadId()));
                    original.setUid(MessageUid.of(uid));
                    original.setModSeq(allocation.modSeq());
                    original.setSaveDate(new Date(saveDate));
                    FolderCounters.removed(connection, from, 1);
                    String sourceRoot = quotaRootOfMailbox(connection, from);
                    if (!sourceRoot.equals(targetRoot)) {
                        quotaChanges.computeIfAbsent(sourceRoot, any -> new long[2]);
                        quotaChanges.get(sourceRoot)[0]--;
                        quotaChanges.get(sourceRoot)[1] -= original.getFullContentOctets();
                        quotaChanges.computeIfAbsent(targetRoot, any -> new long[2]);
                        quotaChanges.get(targetRoot)[0]++;
                        quotaChanges.get(targetRoot)[1] += original.getFullContentOctets();
                    }
                    uid++;
                }
                for (Map.Entry<String, long[]> change : new java.util.TreeMap<>(quotaChanges).entrySet()) {
                    QuotaUsage.add(connection, database.dialect(), change.getKey(), change.getValue()[0], change.getValue()[1]);
                }
                return metaData;
            });
        } catch (MailboxException e) {
            throw notFoundIfMissing(mailbox, e);
        }
    }

    private static String quotaRootOfMailbox(Connection connection, long mailboxId) throws SQLException {
        try (PreparedStatement statement = MailboxDatabase.prepare(connection,
            "SELECT NAMESPACE, USER_NAME, NAME FROM MW_MAILBOX WHERE MAILBOX_ID = ?", mailboxId);
             ResultSet rows = statement.executeQuery()) {
            if (!rows.next()) {
                throw new SQLException("Mailbox " + mailboxId + " does not exist");
            }
            return QuotaUsage.rootOf(JdbcMailboxMapper.path(rows));
        }
    }

    @Override
    public Optional<MessageUid> getLastUid(Mailbox mailbox) throws MailboxException {
        long last = counters(mailbox)[0];
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }

    @Override
    public ModSeq getHighestModSeq(Mailbox mailbox) throws MailboxException {
        return ModSeq.of(counters(mailbox)[1]);
    }

    private long[] counters(Mailbox mailbox) throws MailboxException {
        try {
            return database.query("read the folder's counters", connection -> FolderCounters.read(connection, id(mailbox)));
        } catch (MailboxException e) {
            throw notFoundIfMissing(mailbox, e);
        }
    }

    @Override
    public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
        return database.query("compute applicable flags", connection -> {
            ApplicableFlagBuilder builder = ApplicableFlagBuilder.builder();
            try (PreparedStatement statement = MailboxDatabase.prepare(connection,
                "SELECT DISTINCT USER_FLAGS FROM MW_MESSAGE WHERE MAILBOX_ID = ? AND USER_FLAGS IS NOT NULL", id(mailbox));
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    for (String flag : rows.getString(1).split("\n")) {
                        if (!flag.isEmpty()) {
                            builder.add(flag);
                        }
                    }
                }
            }
            return builder.build();
        });
    }

    @Override
    public Flux<MessageUid> listAllMessageUids(Mailbox mailbox) {
        return Mono.fromCallable(() -> database.query("list messages",
                connection -> uids(connection, mailbox, MessageRange.all(), "")))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(uids -> uids);
    }

    private static MailboxException notFoundIfMissing(Mailbox mailbox, MailboxException e) {
        if (e.getCause() instanceof FolderCounters.MissingMailboxException) {
            return new MailboxNotFoundException(mailbox.getMailboxId());
        }
        return e;
    }
}
