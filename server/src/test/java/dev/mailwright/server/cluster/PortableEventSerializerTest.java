package dev.mailwright.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.event.json.MailboxEventSerializer;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.junit.jupiter.api.Test;

import dev.mailwright.mailbox.model.JdbcMailboxId;

/** Events of our store (messages without store-wide ids) cross to another server with what IMAP sessions need. */
class PortableEventSerializerTest {
    private static final Username BOB = Username.of("bob@example.test");
    private static final MailboxPath INBOX = MailboxPath.inbox(BOB);

    private final PortableEventSerializer serializer = new PortableEventSerializer(new MailboxEventSerializer(
        new JdbcMailboxId.Factory(), new PortableEventSerializer.Factory(new DefaultMessageId.Factory()),
        new DefaultUserQuotaRootResolver(null, null)));

    @Test
    void anAddedEventKeepsFolderUidsFlagsAndModseqs() {
        DefaultMessageId storeId = new DefaultMessageId();
        TreeMap<MessageUid, MessageMetaData> added = new TreeMap<>();
        added.put(MessageUid.of(7), new MessageMetaData(MessageUid.of(7), ModSeq.of(12), new Flags(Flags.Flag.SEEN), 4242,
            new Date(1_700_000_000_000L), Optional.empty(), storeId, ThreadId.fromBaseMessageId(storeId)));
        MailboxEvents.Added event = new MailboxEvents.Added(MailboxSession.SessionId.of(3), BOB, INBOX, JdbcMailboxId.of(42),
            added, Event.EventId.random(), true);

        Event read = serializer.asEvent(serializer.toJson(event));

        assertThat(read).isInstanceOf(MailboxEvents.Added.class);
        MailboxEvents.Added copy = (MailboxEvents.Added) read;
        assertThat(copy.getMailboxId()).isEqualTo(JdbcMailboxId.of(42));
        assertThat(copy.getMailboxPath()).isEqualTo(INBOX);
        assertThat(copy.getEventId()).isEqualTo(event.getEventId());
        assertThat(copy.isDelivery()).isTrue();
        MessageMetaData meta = copy.getMetaData(MessageUid.of(7));
        assertThat(meta.getModSeq()).isEqualTo(ModSeq.of(12));
        assertThat(meta.getFlags().contains(Flags.Flag.SEEN)).isTrue();
        assertThat(meta.getSize()).isEqualTo(4242);
        assertThat(meta.getMessageId()).isSameAs(PortableEventSerializer.NoMessageId.INSTANCE);
    }

    @Test
    void expungedAndFlagsUpdatedEventsCrossToo() {
        DefaultMessageId storeId = new DefaultMessageId();
        TreeMap<MessageUid, MessageMetaData> gone = new TreeMap<>();
        gone.put(MessageUid.of(3), new MessageMetaData(MessageUid.of(3), ModSeq.of(5), new Flags(Flags.Flag.DELETED), 10,
            new Date(), Optional.empty(), storeId, ThreadId.fromBaseMessageId(storeId)));
        Event expunged = new MailboxEvents.Expunged(MailboxSession.SessionId.of(1), BOB, INBOX, JdbcMailboxId.of(42), gone,
            Event.EventId.random());
        Event flags = new MailboxEvents.FlagsUpdated(MailboxSession.SessionId.of(1), BOB, INBOX, JdbcMailboxId.of(42),
            List.of(UpdatedFlags.builder().uid(MessageUid.of(3)).messageId(storeId).modSeq(ModSeq.of(6))
                .oldFlags(new Flags()).newFlags(new Flags(Flags.Flag.FLAGGED)).build()), Event.EventId.random());

        assertThat(((MailboxEvents.Expunged) serializer.asEvent(serializer.toJson(expunged))).getUids())
            .containsExactly(MessageUid.of(3));
        UpdatedFlags updated = ((MailboxEvents.FlagsUpdated) serializer.asEvent(serializer.toJson(flags))).getUpdatedFlags().get(0);
        assertThat(updated.getUid()).isEqualTo(MessageUid.of(3));
        assertThat(updated.getNewFlags().contains(Flags.Flag.FLAGGED)).isTrue();
        assertThat(updated.getModSeq()).isEqualTo(ModSeq.of(6));
    }
}
