package dev.mailwright.mailbox.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.Property;
import org.apache.james.mailbox.store.mail.model.impl.Properties;

import com.google.common.io.ByteStreams;

import dev.mailwright.mailbox.blob.BlobId;
import dev.mailwright.mailbox.blob.BlobStore;

/**
 * A message of the store: its row (flags, sizes, dates, MIME properties, header block) and a reference to its body
 * in the {@link BlobStore}. Content is never held in memory: every {@code get...Content()} opens a fresh stream on
 * the blob, except the header block when the row carries it (then FETCH of headers and ENVELOPE never touch the
 * blob).
 *
 * <p>The blob holds either the whole message (as received) or, when {@link #blobFromBody()}, only its body: then the
 * header block is the row's, and the full content is the row's header followed by the blob. Deliveries store the
 * body alone whenever the header fits the row, so that the copies of one mail delivered to several mailboxes, which
 * differ only in their per-recipient headers ({@code Delivered-To}), have identical blobs that the file blob store
 * can share as hard links.
 */
public final class StoredMessage implements MailboxMessage {
    private final BlobStore blobs;
    private final BlobId blob;
    private final byte[] header;
    private final boolean blobFromBody;
    private final MessageId messageId;
    private final ThreadId threadId;
    private MailboxId mailboxId;
    private MessageUid uid;
    private ModSeq modSeq;
    private final Date internalDate;
    private Optional<Date> saveDate;
    private final long size;
    private final int bodyStart;
    private final String mediaType;
    private final String subType;
    private final Long textualLineCount;
    private final List<Property> properties;
    private boolean answered;
    private boolean deleted;
    private boolean draft;
    private boolean flagged;
    private boolean recent;
    private boolean seen;
    private String[] userFlags;

    public StoredMessage(BlobStore blobs, BlobId blob, byte[] header, MailboxId mailboxId, MessageUid uid, ModSeq modSeq,
                         Date internalDate, Optional<Date> saveDate, long size, int bodyStart, String mediaType,
                         String subType, Long textualLineCount, List<Property> properties, Flags flags) {
        this(blobs, blob, false, header, new DefaultMessageId(), mailboxId, uid, modSeq, internalDate, saveDate, size,
            bodyStart, mediaType, subType, textualLineCount, properties, flags);
    }

    public StoredMessage(BlobStore blobs, BlobId blob, byte[] header, MessageId messageId, MailboxId mailboxId,
                         MessageUid uid, ModSeq modSeq, Date internalDate, Optional<Date> saveDate, long size,
                         int bodyStart, String mediaType, String subType, Long textualLineCount,
                         List<Property> properties, Flags flags) {
        this(blobs, blob, false, header, messageId, mailboxId, uid, modSeq, internalDate, saveDate, size, bodyStart,
            mediaType, subType, textualLineCount, properties, flags);
    }

    /**
     * @param blobFromBody the blob holds the body only (from {@code bodyStart} of the message on); the header block
     *                     is then {@code header}, which must not be null unless the row was read without it
     */
    public StoredMessage(BlobStore blobs, BlobId blob, boolean blobFromBody, byte[] header, MessageId messageId,
                         MailboxId mailboxId, MessageUid uid, ModSeq modSeq, Date internalDate, Optional<Date> saveDate,
                         long size, int bodyStart, String mediaType, String subType, Long textualLineCount,
                         List<Property> properties, Flags flags) {
        this.blobs = blobs;
        this.blob = blob;
        this.blobFromBody = blobFromBody;
        this.header = header;
        this.messageId = messageId;
        this.threadId = ThreadId.fromBaseMessageId(messageId);
        this.mailboxId = mailboxId;
        this.uid = uid;
        this.modSeq = modSeq;
        this.internalDate = internalDate;
        this.saveDate = saveDate;
        this.size = size;
        this.bodyStart = bodyStart;
        this.mediaType = mediaType;
        this.subType = subType;
        this.textualLineCount = textualLineCount;
        this.properties = List.copyOf(properties);
        setFlags(flags);
    }


    public BlobId blobId() {
        return blob;
    }

    /** The header block if the row carries it, else null (then read from the blob). */
    public byte[] headerBytes() {
        return header;
    }

    /** The blob holds the body only; the header block is the row's. */
    public boolean blobFromBody() {
        return blobFromBody;
    }

    public int bodyStart() {
        return bodyStart;
    }

    public List<Property> propertyList() {
        return properties;
    }

    public void setMailboxId(MailboxId mailboxId) {
        this.mailboxId = mailboxId;
    }

    @Override
    public ComposedMessageIdWithMetaData getComposedMessageIdWithMetaData() {
        return ComposedMessageIdWithMetaData.builder()
            .modSeq(modSeq)
            .flags(createFlags())
            .composedMessageId(new ComposedMessageId(mailboxId, messageId, uid))
            .threadId(threadId)
            .build();
    }

    @Override
    public ThreadId getThreadId() {
        return threadId;
    }

    @Override
    public MailboxId getMailboxId() {
        return mailboxId;
    }

    @Override
    public MessageUid getUid() {
        return uid;
    }

    @Override
    public void setUid(MessageUid uid) {
        this.uid = uid;
    }

    @Override
    public void setModSeq(ModSeq modSeq) {
        this.modSeq = modSeq;
    }

    @Override
    public ModSeq getModSeq() {
        return modSeq;
    }

    @Override
    public boolean isAnswered() {
        return answered;
    }

    @Override
    public boolean isDeleted() {
        return deleted;
    }

    @Override
    public boolean isDraft() {
        return draft;
    }

    @Override
    public boolean isFlagged() {
        return flagged;
    }

    @Override
    public boolean isRecent() {
        return recent;
    }

    @Override
    public boolean isSeen() {
        return seen;
    }

    @Override
    public void setFlags(Flags flags) {
        answered = flags.contains(Flags.Flag.ANSWERED);
        deleted = flags.contains(Flags.Flag.DELETED);
        draft = flags.contains(Flags.Flag.DRAFT);
        flagged = flags.contains(Flags.Flag.FLAGGED);
        recent = flags.contains(Flags.Flag.RECENT);
        seen = flags.contains(Flags.Flag.SEEN);
        userFlags = flags.getUserFlags();
    }

    @Override
    public void setSaveDate(Date saveDate) {
        this.saveDate = Optional.ofNullable(saveDate);
    }

    @Override
    public Flags createFlags() {
        Flags flags = new Flags();
        if (answered) {
            flags.add(Flags.Flag.ANSWERED);
        }
        if (deleted) {
            flags.add(Flags.Flag.DELETED);
        }
        if (draft) {
            flags.add(Flags.Flag.DRAFT);
        }
        if (flagged) {
            flags.add(Flags.Flag.FLAGGED);
        }
        if (recent) {
            flags.add(Flags.Flag.RECENT);
        }
        if (seen) {
            flags.add(Flags.Flag.SEEN);
        }
        for (String flag : userFlags) {
            flags.add(flag);
        }
        return flags;
    }

    @Override
    public MailboxMessage copy(Mailbox mailbox) {
        return new StoredMessage(blobs, blob, blobFromBody, header, messageId, mailbox.getMailboxId(), uid, modSeq,
            internalDate, saveDate, size, bodyStart, mediaType, subType, textualLineCount, properties, createFlags());
    }

    @Override
    public Optional<Date> getSaveDate() {
        return saveDate;
    }

    @Override
    public MessageId getMessageId() {
        return messageId;
    }

    @Override
    public Date getInternalDate() {
        return internalDate;
    }

    @Override
    public InputStream getBodyContent() throws IOException {
        return blobs.open(blob, blobFromBody ? 0 : bodyStart);
    }

    @Override
    public String getMediaType() {
        return mediaType;
    }

    @Override
    public String getSubType() {
        return subType;
    }

    @Override
    public long getBodyOctets() {
        return size - bodyStart;
    }

    @Override
    public long getFullContentOctets() {
        return size;
    }

    @Override
    public long getHeaderOctets() {
        return bodyStart;
    }

    @Override
    public Long getTextualLineCount() {
        return textualLineCount;
    }

    @Override
    public InputStream getHeaderContent() throws IOException {
        if (header != null) {
            return new ByteArrayInputStream(header);
        }
        requireHeader();
        return ByteStreams.limit(blobs.open(blob, 0), bodyStart);
    }

    @Override
    public InputStream getFullContent() throws IOException {
        if (blobFromBody) {
            requireHeader();
            return new SequenceInputStream(new ByteArrayInputStream(header), blobs.open(blob, 0));
        }
        return blobs.open(blob, 0);
    }

    /** A row read for its metadata only has no header block: its content is not readable from this object. */
    private void requireHeader() throws IOException {
        if (blobFromBody && header == null) {
            throw new IOException("the header of message " + uid + " was not read with its row");
        }
    }

    @Override
    public Properties getProperties() {
        return new Properties(properties, textualLineCount);
    }

    /** Attachments are not parsed by this store (no recursion over MIME structure on the append path). */
    @Override
    public List<MessageAttachmentMetadata> getAttachments() {
        return List.of();
    }

    @Override
    public String toString() {
        return "StoredMessage(mailbox=" + mailboxId + ", uid=" + uid + ", modseq=" + modSeq + ", size=" + size + ")";
    }
}
