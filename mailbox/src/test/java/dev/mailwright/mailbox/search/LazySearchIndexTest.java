package dev.mailwright.mailbox.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.mail.model.DefaultMessageId;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.mailbox.MailwrightMailboxManager;
import dev.mailwright.mailbox.model.JdbcMailboxId;
import dev.mailwright.mailbox.support.TestDatabase;
import dev.mailwright.mailbox.support.TestMailboxManagers;
import dev.mailwright.mailbox.support.TestStore;

/** Lazy catch-up of the text index: nothing indexed at delivery, the mark after a commit, resumption after a crash. */
class LazySearchIndexTest {
    private static final Username ALICE = Username.of("alice@example.test");

    @TempDir
    Path folder;
    private TestStore store;
    private MailwrightMailboxManager manager;
    private MailboxSession session;
    private MessageManager inbox;
    private Mailbox mailbox;

    @BeforeEach
    void setUp() throws Exception {
        org.apache.james.utils.UpdatableTickingClock clock = new org.apache.james.utils.UpdatableTickingClock(java.time.Instant.now());
        store = TestStore.on(TestDatabase.derby(), clock);
        manager = TestMailboxManagers.create(store, java.util.Set.of(), clock);
        session = manager.createSystemSession(ALICE);
        manager.createMailbox(MailboxPath.inbox(ALICE), session);
        inbox = manager.getMailbox(MailboxPath.inbox(ALICE), session);
        mailbox = ((StoreMessageManager) inbox).getMailboxEntity();
    }

    private int sent;

    /** Distinct messages (identical deliveries would be recognized as one). */
    private void deliver(int count, String word) throws Exception {
        for (int n = 0; n < count; n++) {
            int i = sent++;
            inbox.appendMessage(MessageManager.AppendCommand.builder().isDelivery(true)
                .build(("Subject: m " + word + i + "\r\n\r\nsome " + word + " text " + i + "\r\n").getBytes(StandardCharsets.US_ASCII)), session);
        }
    }

    private LazySearchIndex open(Path index) throws Exception {
        return new LazySearchIndex(store.mappers(), new JdbcMailboxId.Factory(), FSDirectory.open(index.toFile()),
            new DefaultMessageId.Factory(), new SessionProviderImpl(null, null), index.resolve("marks"));
    }

    private List<MessageUid> search(LazySearchIndex index, String word) {
        return index.search(session, mailbox, SearchQuery.of(SearchQuery.bodyContains(word))).collectList().block();
    }

    @Test
    void indexesAtTheFirstSearchThenOnlyWhatIsNew() throws Exception {
        Path indexFolder = Files.createDirectories(folder.resolve("index"));
        LazySearchIndex index = open(indexFolder);
        deliver(5, "alpha");
        assertThat(Files.exists(indexFolder.resolve("marks"))).as("nothing indexed at delivery").isFalse();

        assertThat(search(index, "alpha")).hasSize(5);
        assertThat(Files.readString(indexFolder.resolve("marks"))).contains(mailbox.getMailboxId().serialize() + "=");

        deliver(3, "alpha");
        assertThat(search(index, "alpha")).hasSize(8);
        index.close();
    }

    @Test
    void resumesFromTheMarkAfterACrashWithoutDuplicates() throws Exception {
        Path indexFolder = Files.createDirectories(folder.resolve("index"));
        LazySearchIndex index = open(indexFolder);
        deliver(4, "beta");
        assertThat(search(index, "beta")).hasSize(4);
        String markAfterFour = Files.readString(indexFolder.resolve("marks"));
        deliver(4, "beta");
        assertThat(search(index, "beta")).hasSize(8);
        index.close();

        // a crash between the index commit and the mark: the committed index holds 8, the mark says 4
        Files.writeString(indexFolder.resolve("marks"), markAfterFour);
        deliver(2, "beta");
        LazySearchIndex reopened = open(indexFolder);
        List<MessageUid> found = search(reopened, "beta");
        assertThat(found).hasSize(10).doesNotHaveDuplicates();
        assertThat(reopened.doSearch(session, mailbox, SearchQuery.of(SearchQuery.bodyContains("beta"))).collectList().block())
            .as("documents in the index itself").hasSize(10);
        reopened.close();
    }

    @Test
    void flagAndHeaderCriteriaNeedNoIndex() throws Exception {
        Path indexFolder = Files.createDirectories(folder.resolve("index"));
        LazySearchIndex index = open(indexFolder);
        deliver(3, "gamma");
        assertThat(index.search(session, mailbox, SearchQuery.of(SearchQuery.headerContains("Subject", "gamma1"))).collectList().block())
            .containsExactly(MessageUid.of(2));
        assertThat(index.search(session, mailbox, SearchQuery.of(SearchQuery.flagIsUnSet(javax.mail.Flags.Flag.SEEN))).collectList().block())
            .hasSize(3);
        assertThat(Files.exists(indexFolder.resolve("marks"))).isFalse();
        index.close();
    }
}
