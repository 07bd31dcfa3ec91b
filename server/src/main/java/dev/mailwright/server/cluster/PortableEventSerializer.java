package dev.mailwright.server.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import org.apache.james.events.Event;
import org.apache.james.events.EventSerializer;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;

/**
 * James's mailbox event JSON, for a store without store-wide message ids. Our store (like James's JPA mailbox) gives
 * messages James's {@code DefaultMessageId}, which refuses to be serialized; an IMAP session needs only the folder,
 * UIDs, flags and modseqs of an event. So before an event is written, every message id in it becomes
 * {@link NoMessageId}, which is written as {@code "none"} and read back as itself on the other servers.
 */
public final class PortableEventSerializer implements EventSerializer {
    private final EventSerializer json;

    public PortableEventSerializer(EventSerializer json) {
        this.json = json;
    }

    @Override
    public String toJson(Event event) {
        return json.toJson(portable(event));
    }

    @Override
    public Event asEvent(String serialized) {
        return json.asEvent(serialized);
    }

    static Event portable(Event event) {
        if (event instanceof MailboxEvents.Added added) {
            return new MailboxEvents.Added(added.getSessionId(), added.getUsername(), added.getMailboxPath(),
                added.getMailboxId(), portable(added.getAdded()), added.getEventId(), added.isDelivery());
        }
        if (event instanceof MailboxEvents.Expunged expunged) {
            return new MailboxEvents.Expunged(expunged.getSessionId(), expunged.getUsername(), expunged.getMailboxPath(),
                expunged.getMailboxId(), portable(expunged.getExpunged()), expunged.getEventId());
        }
        if (event instanceof MailboxEvents.FlagsUpdated flags) {
            return new MailboxEvents.FlagsUpdated(flags.getSessionId(), flags.getUsername(), flags.getMailboxPath(),
                flags.getMailboxId(), flags.getUpdatedFlags().stream().map(PortableEventSerializer::portable).toList(),
                flags.getEventId());
        }
        return event;
    }

    private static SortedMap<MessageUid, MessageMetaData> portable(Map<MessageUid, MessageMetaData> messages) {
        SortedMap<MessageUid, MessageMetaData> result = new TreeMap<>();
        messages.forEach((uid, meta) -> result.put(uid, new MessageMetaData(meta.getUid(), meta.getModSeq(), meta.getFlags(),
            meta.getSize(), meta.getInternalDate(), meta.getSaveDate(), NoMessageId.INSTANCE,
            ThreadId.fromBaseMessageId(NoMessageId.INSTANCE))));
        return result;
    }

    private static UpdatedFlags portable(UpdatedFlags flags) {
        return UpdatedFlags.builder()
            .uid(flags.getUid())
            .messageId(Optional.empty())
            .modSeq(flags.getModSeq())
            .oldFlags(flags.getOldFlags())
            .newFlags(flags.getNewFlags())
            .build();
    }

    /** The message id of a store that has none: one value, written {@code "none"}. */
    public static final class NoMessageId implements MessageId {
        public static final NoMessageId INSTANCE = new NoMessageId();
        static final String SERIALIZED = "none";

        private NoMessageId() {
        }

        @Override
        public String serialize() {
            return SERIALIZED;
        }

        @Override
        public boolean isSerializable() {
            return true;
        }

        @Override
        public String toString() {
            return "NoMessageId";
        }
    }

    /**
     * Message ids of the store as before ({@code DefaultMessageId} for new messages); an id read from an event of
     * another server is {@link NoMessageId}.
     */
    public static final class Factory implements MessageId.Factory {
        private final MessageId.Factory store;

        public Factory(MessageId.Factory store) {
            this.store = store;
        }

        @Override
        public MessageId fromString(String serialized) {
            return NoMessageId.INSTANCE;
        }

        @Override
        public MessageId generate() {
            return store.generate();
        }
    }
}
