package dev.mailwright.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MimeDescriptor;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.mailwright.mailbox.blob.FileBlobStore;
import dev.mailwright.mailbox.ingest.MimeNestingLimitException;
import dev.mailwright.mailbox.ingest.NestedMessages;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestMailboxManagers;
import dev.mailwright.mailbox.support.TestStore;

/** Our append path: refusals and failures release everything; the store never drops a message as a duplicate. */
class MailwrightMessageManagerTest {
    private static final Username ALICE = Username.of("alice@example.test");

    private TestStore store;
    private UpdatableTickingClock clock;
    private MailwrightMailboxManager manager;
    private MailboxSession session;
    private MessageManager inbox;

    @BeforeEach
    void setUp() throws Exception {
        clock = new UpdatableTickingClock(java.time.Instant.now());
        store = TestStore.on(TestDatabase.derby(), clock);
        manager = TestMailboxManagers.create(store, Set.of(), clock);
        session = manager.createSystemSession(ALICE);
        manager.createMailbox(MailboxPath.inbox(ALICE), session);
        inbox = manager.getMailbox(MailboxPath.inbox(ALICE), session);
    }

    private static byte[] mail(String subject) {
        return ("From: bob@example.test\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\n\r\nhello\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    private MessageManager.AppendResult deliver(byte[] content) throws MailboxException {
        return inbox.appendMessage(MessageManager.AppendCommand.builder().isDelivery(true).build(content), session);
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aMessageNestedTooDeeplyIsRefusedAndDeliveryGoesOn() throws Exception {
        assertThatThrownBy(() -> deliver(NestedMessages.nested(3000)))
            .isInstanceOf(MimeNestingLimitException.class);

        deliver(mail("after the refusal"));
        assertThat(inbox.getMessageCount(session)).isEqualTo(1);
        assertThat(blobFiles()).isEqualTo(1);
    }

    @Test
    void aHundredLevelsAreStoredAndHaveABodyStructure() throws Exception {
        MessageManager.AppendResult result = deliver(NestedMessages.nested(100));

        MessageResult stored = inbox.getMessages(MessageRange.one(result.getId().getUid()), FetchGroup.FULL_CONTENT.with(FetchGroup.Profile.MIME_DESCRIPTOR), session).next();
        MimeDescriptor descriptor = stored.getMimeDescriptor();
        int depth = 0;
        while (descriptor.parts().hasNext()) {
            descriptor = descriptor.parts().next();
            depth++;
        }
        assertThat(depth).isEqualTo(100);
        assertThat(descriptor.getMimeType()).isEqualTo("text");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void anyThrowableWhileReadingFailsTheAppendAndReleasesTheFolder() throws Exception {
        Content exploding = new Content() {
            @Override
            public InputStream getInputStream() {
                return new InputStream() {
                    @Override
                    public int read() {
                        throw new StackOverflowError("simulated");
                    }
                };
            }

            @Override
            public long size() {
                return 10;
            }
        };
        assertThatThrownBy(() -> inbox.appendMessage(MessageManager.AppendCommand.builder().build(exploding), session))
            .isInstanceOf(MailboxException.class);

        deliver(mail("after the failure"));
        assertThat(inbox.getMessageCount(session)).isEqualTo(1);
        assertThat(blobFiles()).isEqualTo(1);
    }

    @Test
    void identicalDeliveriesAreTwoMessages() throws Exception {
        byte[] content = mail("sent twice in one session");
        deliver(content);
        deliver(content);

        assertThat(inbox.getMessageCount(session)).isEqualTo(2);
    }

    @Test
    void imapAppendsOfTheSameContentAreAllStored() throws Exception {
        byte[] content = mail("appended twice");
        inbox.appendMessage(MessageManager.AppendCommand.builder().build(content), session);
        inbox.appendMessage(MessageManager.AppendCommand.builder().build(content), session);

        assertThat(inbox.getMessageCount(session)).isEqualTo(2);
    }

    @Test
    void expungedBodiesAreRemovedAfterTheCommit() throws Exception {
        MessageManager.AppendResult result = deliver(mail("to expunge"));
        inbox.setFlags(new javax.mail.Flags(javax.mail.Flags.Flag.DELETED), MessageManager.FlagsUpdateMode.ADD,
            MessageRange.one(result.getId().getUid()), session);
        List<?> expunged = com.google.common.collect.ImmutableList.copyOf(inbox.expunge(MessageRange.all(), session));

        assertThat(expunged).hasSize(1);
        assertThat(blobFiles()).isZero();
    }

    @Test
    void theBodyIsReadFromTheBlobAndTheHeaderFromTheRow() throws Exception {
        byte[] content = mail("read back");
        MessageManager.AppendResult result = deliver(content);

        MessageResult stored = inbox.getMessages(MessageRange.one(result.getId().getUid()), FetchGroup.FULL_CONTENT, session).next();
        try (InputStream full = stored.getFullContent().getInputStream()) {
            assertThat(full.readAllBytes()).isEqualTo(content);
        }
        assertThat(stored.getSize()).isEqualTo(content.length);
    }

    @Test
    void aWholeLargeFolderIsReadPageByPageInUidOrder() throws Exception {
        for (int i = 0; i < 1234; i++) {
            inbox.appendMessage(MessageManager.AppendCommand.builder().build(mail("message " + i)), session);
        }
        List<Long> uids = reactor.core.publisher.Flux.from(inbox.getMessagesReactive(MessageRange.all(), FetchGroup.HEADERS, session))
            .map(message -> message.getUid().asLong())
            .collectList().block();
        assertThat(uids).hasSize(1234).isSorted().doesNotHaveDuplicates();
        assertThat(reactor.core.publisher.Flux.from(inbox.getMessagesReactive(MessageRange.range(
                org.apache.james.mailbox.MessageUid.of(490), org.apache.james.mailbox.MessageUid.of(1010)), FetchGroup.MINIMAL, session))
            .count().block()).isEqualTo(521);
    }

    @Test
    void aMailDeliveredToSeveralMailboxesSharesOneBodyFileAndEachExpungeRemovesOnlyItsOwn() throws Exception {
        Username bob = Username.of("bob@example.test");
        MailboxSession bobSession = manager.createSystemSession(bob);
        manager.createMailbox(MailboxPath.inbox(bob), bobSession);
        MessageManager bobInbox = manager.getMailbox(MailboxPath.inbox(bob), bobSession);
        String body = "the same body for every recipient\r\n".repeat(100);
        // as LocalDelivery makes them: the same mail with a per-recipient header
        byte[] toAlice = ("Delivered-To: alice@example.test\r\nSubject: fan-out\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
        byte[] toBob = ("Delivered-To: bob@example.test\r\nSubject: fan-out\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);

        MessageManager.AppendResult alices = deliver(toAlice);
        MessageManager.AppendResult bobs = bobInbox.appendMessage(MessageManager.AppendCommand.builder().isDelivery(true).build(toBob), bobSession);

        assertThat(fullContent(inbox, session, alices)).isEqualTo(toAlice);
        assertThat(fullContent(bobInbox, bobSession, bobs)).isEqualTo(toBob);
        List<Path> files = blobPaths();
        assertThat(files).hasSize(2);
        assertThat(Files.isSameFile(files.get(0), files.get(1))).as("one file, two names").isTrue();

        inbox.setFlags(new javax.mail.Flags(javax.mail.Flags.Flag.DELETED), MessageManager.FlagsUpdateMode.ADD,
            MessageRange.one(alices.getId().getUid()), session);
        com.google.common.collect.ImmutableList.copyOf(inbox.expunge(MessageRange.all(), session));

        assertThat(blobFiles()).isEqualTo(1);
        assertThat(fullContent(bobInbox, bobSession, bobs)).isEqualTo(toBob);
        MessageResult header = bobInbox.getMessages(MessageRange.one(bobs.getId().getUid()), FetchGroup.HEADERS, bobSession).next();
        assertThat(header.getHeaders().headers().next().getValue()).isEqualTo("bob@example.test");
    }

    @Test
    void aCopyOfADeliveredMessageReadsBackWhole() throws Exception {
        byte[] content = mail("copied");
        MessageManager.AppendResult result = deliver(content);
        manager.createMailbox(MailboxPath.forUser(ALICE, "Archive"), session);
        manager.copyMessages(MessageRange.one(result.getId().getUid()), MailboxPath.inbox(ALICE),
            MailboxPath.forUser(ALICE, "Archive"), session);
        MessageManager archive = manager.getMailbox(MailboxPath.forUser(ALICE, "Archive"), session);

        MessageResult copy = archive.getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session).next();
        try (InputStream full = copy.getFullContent().getInputStream()) {
            assertThat(full.readAllBytes()).isEqualTo(content);
        }
    }

    private static byte[] fullContent(MessageManager folder, MailboxSession owner, MessageManager.AppendResult result) throws Exception {
        MessageResult stored = folder.getMessages(MessageRange.one(result.getId().getUid()), FetchGroup.FULL_CONTENT, owner).next();
        try (InputStream full = stored.getFullContent().getInputStream()) {
            return full.readAllBytes();
        }
    }

    private List<Path> blobPaths() throws IOException {
        Path root = ((FileBlobStore) store.blobs()).root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private long blobFiles() throws IOException {
        Path root = ((FileBlobStore) store.blobs()).root();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
