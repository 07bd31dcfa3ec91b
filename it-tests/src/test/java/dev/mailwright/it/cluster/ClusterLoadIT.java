package dev.mailwright.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.MailboxLoad;
import dev.mailwright.it.support.RawImap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * Both servers of a cluster writing into one INBOX at once (UIDs from the shared folder row), then the same with a
 * {@code kill -9} of A in the middle: its clients go on through B, A restarts on its own data folder and delivers
 * what it had acknowledged, each message once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterLoadIT {
    private static final String PASSWORD = "load-secret";
    private static final Pattern MSN = Pattern.compile("^\\* (\\d+) FETCH ");
    private static final Pattern UID_ITEM = Pattern.compile("[( ]UID (\\d+)");
    private static final Pattern SIZE_ITEM = Pattern.compile("RFC822\\.SIZE (\\d+)");
    private static final Pattern SUBJECT = Pattern.compile("Subject: load (\\S+)");
    private static final String[] ERROR_REPOSITORIES = {"jpa://var/mail/error/", "jpa://var/mail/address-error/", "jpa://var/mail/rrt-error/"};

    DnsServer dns;
    ClusterPair cluster;
    TestServer a;
    TestServer b;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        cluster = ClusterPair.start(directory, dns, conf -> { });
        a = cluster.a.config();
        b = cluster.b.config();
        a.admin().addDomain("example.test");
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        dns.close();
    }

    @Test
    @Order(1)
    void fiveHundredMailsThroughAAndBInParallelAreAllInOneInboxWithIncreasingUidsAndTheRightQuota() throws Exception {
        String user = "alice@example.test";
        a.admin().addUser(user, PASSWORD).createMailbox(user, "INBOX");
        Senders senders = new Senders(user);
        long started = System.nanoTime();
        senders.start(a, "a", 10, 25, null);
        senders.start(b, "b", 10, 25, null);
        // meanwhile B's search index is caught up again and again while A and B add messages: its marks must
        // never pass a message it has not indexed (checked by the final SEARCH, which must find all 500)
        AtomicBoolean loading = new AtomicBoolean(true);
        List<String> searchProblems = new CopyOnWriteArrayList<>();
        int[] searches = {0};
        long[] slowest = {0};
        Thread searcher = new Thread(() -> {
            try (RawImap imap = RawImap.login(b.port(143), user, PASSWORD)) {
                imap.command("SELECT INBOX");
                while (loading.get() && searches[0] < 3_000) {
                    long asked = System.nanoTime();
                    RawImap.Response search = imap.command("UID SEARCH BODY " + MailboxLoad.WORD);
                    slowest[0] = Math.max(slowest[0], (System.nanoTime() - asked) / 1_000_000);
                    if (!search.ok()) {
                        searchProblems.add(search.toString());
                    }
                    searches[0]++;
                    Thread.sleep(100);
                }
            } catch (RuntimeException | InterruptedException e) {
                searchProblems.add(e.toString());
            }
        }, "searcher-on-b");
        searcher.start();
        boolean finished = senders.await(Duration.ofMinutes(4));
        // the spools are still delivering: go on searching until all 500 are in the INBOX
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
            .until(() -> b.admin().messageCount(user, "INBOX") >= 500 || !searcher.isAlive());
        loading.set(false);
        searcher.join(30_000);
        System.out.println(searches[0] + " text SEARCHes on B during the load, the slowest " + slowest[0] + " ms");
        assertThat(finished).as("load finished").isTrue();
        assertThat(searchProblems).isEmpty();
        assertThat(senders.refusals).isEmpty();
        assertThat(senders.failures).isEmpty();
        assertThat(senders.acknowledged).hasSize(500);

        Map<String, Integer> stored = waitUntilDelivered(user);
        System.out.println("500 mails through A and B: all stored after " + (System.nanoTime() - started) / 1_000_000 + " ms");
        assertThat(stored.keySet()).containsExactlyInAnyOrderElementsOf(senders.acknowledged);
        assertThat(stored.values()).allMatch(copies -> copies == 1);
        assertNoErrors();
    }

    @Test
    @Order(2)
    void aKill9OfAUnderLoadLosesAndRepeatsNothingAndBKeepsServing() throws Exception {
        String user = "carol@example.test";
        a.admin().addUser(user, PASSWORD).createMailbox(user, "INBOX");
        Senders senders = new Senders(user);
        senders.start(a, "a", 8, 40, b);
        senders.start(b, "b", 8, 40, null);
        await().atMost(Duration.ofMinutes(3)).until(() -> senders.acknowledged.size() >= 150);
        cluster.a.kill();
        int atKill = senders.acknowledgedThrough("b");
        System.out.println("kill -9 of A after " + senders.acknowledged.size() + " acknowledged messages");
        // B keeps serving: its own clients and A's, who come over, go on being acknowledged while A is down
        await().atMost(Duration.ofMinutes(2)).until(() -> senders.acknowledgedThrough("b") >= atKill + 50);
        assertThat(senders.await(Duration.ofMinutes(4))).as("load finished").isTrue();
        cluster.a.start();

        Map<String, Integer> stored = waitUntilDelivered(user);
        System.out.println("after A's restart: " + senders.acknowledged.size() + " acknowledged, " + stored.size()
            + " distinct stored, " + senders.unanswered.size() + " cut off before their reply (sent again through B)");
        assertThat(senders.refusals).isEmpty();
        assertThat(senders.failures).isEmpty();
        assertThat(senders.acknowledged).hasSize(8 * 40 * 2);
        assertThat(stored.keySet()).containsAll(senders.acknowledged);
        for (String token : senders.acknowledged) {
            assertThat(stored.get(token)).as("copies of " + token).isEqualTo(1);
        }
        // a message cut off after its last line and before its reply may or may not have been kept (SMTP's own
        // duplicate window): at most once, and its sender sent it again under another token
        Set<String> unexpected = new java.util.HashSet<>(stored.keySet());
        unexpected.removeAll(senders.acknowledged);
        assertThat(senders.unanswered).containsAll(unexpected);
        assertThat(unexpected).allSatisfy(token -> assertThat(stored.get(token)).isEqualTo(1));
        assertNoErrors();
    }

    /**
     * Waits until both spools are empty and the INBOX stops growing, then checks it through B: message numbers and
     * UIDs increase together, UIDs unique, quota usage equal to the sum of the sizes. Returns copies per token.
     */
    private Map<String, Integer> waitUntilDelivered(String user) throws Exception {
        long[] last = {-1};
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            long count = b.admin().messageCount(user, "INBOX");
            boolean stable = count == last[0] && a.admin().queueSize("spool") == 0 && b.admin().queueSize("spool") == 0;
            last[0] = count;
            return stable;
        });
        Map<String, Integer> stored = new HashMap<>();
        long size = 0;
        long messages = 0;
        try (RawImap imap = RawImap.login(b.port(143), user, PASSWORD)) {
            assertThat(imap.command("SELECT INBOX").ok()).isTrue();
            RawImap.Response fetch = imap.command("FETCH 1:* (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertThat(fetch.ok()).as(fetch.tagged()).isTrue();
            long previousUid = 0;
            for (String untagged : fetch.untagged()) {
                long msn = Long.parseLong(item(MSN, untagged));
                assertThat(msn).isEqualTo(messages + 1);
                long uid = Long.parseLong(item(UID_ITEM, untagged));
                assertThat(uid).as("UIDs increase with message numbers").isGreaterThan(previousUid);
                previousUid = uid;
                size += Long.parseLong(item(SIZE_ITEM, untagged));
                stored.merge(item(SUBJECT, untagged), 1, Integer::sum);
                messages++;
            }
            RawImap.Response search = imap.command("UID SEARCH BODY " + MailboxLoad.WORD);
            assertThat(search.untagged().get(0).split(" ")).as("SEARCH through B finds them all").hasSize((int) (2 + messages));
        }
        try (Connection connection = cluster.database.connect();
             PreparedStatement quota = connection.prepareStatement(
                 "SELECT MESSAGE_COUNT, STORAGE FROM MW_QUOTA_CURRENT WHERE QUOTA_ROOT = ?")) {
            quota.setString(1, "#private&" + user);
            try (ResultSet row = quota.executeQuery()) {
                assertThat(row.next()).as("quota usage row of " + user).isTrue();
                assertThat(row.getLong(1)).as("quota message count").isEqualTo(messages);
                assertThat(row.getLong(2)).as("quota storage").isEqualTo(size);
            }
        }
        return stored;
    }

    private static String item(Pattern pattern, String response) {
        Matcher matcher = pattern.matcher(response);
        assertThat(matcher.find()).as(pattern + " in " + response).isTrue();
        return matcher.group(1);
    }

    private void assertNoErrors() {
        for (String repository : ERROR_REPOSITORIES) {
            assertThat(b.admin().repositorySize(repository)).as(repository).isZero();
        }
    }

    /** SMTP clients on port 25 of a server, each a connection sending its messages one after the other. */
    private static final class Senders {
        final String user;
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final Set<String> unanswered = ConcurrentHashMap.newKeySet();
        final List<String> refusals = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final ExecutorService threads = Executors.newFixedThreadPool(16);
        final AtomicBoolean stopped = new AtomicBoolean();

        Senders(String user) {
            this.user = user;
        }

        /** {@code fallback}: where a client whose connection died goes on (its cut-off message under a new token). */
        void start(TestServer server, String tag, int clients, int perClient, TestServer fallback) {
            for (int c = 0; c < clients; c++) {
                String prefix = tag + c + "n";
                threads.submit(() -> client(server, prefix, perClient, fallback));
            }
        }

        private void client(TestServer server, String prefix, int count, TestServer fallback) {
            TestServer current = server;
            SmtpClient smtp = null;
            try {
                for (int i = 0; i < count && !stopped.get(); i++) {
                    String token = prefix + i;
                    for (int attempt = 0; ; attempt++) {
                        try {
                            if (smtp == null) {
                                smtp = SmtpClient.connect(current.port(25));
                                smtp.ehlo("load.test");
                            }
                            SmtpClient.Reply reply = smtp.send("load@example.test", List.of(user), MailboxLoad.message(user, token));
                            if (reply.code() == 250) {
                                acknowledged.add(token);
                            } else {
                                refusals.add(token + ": " + reply);
                                smtp.command("RSET");
                            }
                            break;
                        } catch (RuntimeException e) {
                            smtp = null;
                            if (fallback == null || current == fallback || attempt > 0) {
                                failures.add(token + ": " + e);
                                return;
                            }
                            unanswered.add(token);
                            current = fallback;
                            token = token.replace("n", "r");
                        }
                    }
                }
                if (smtp != null) {
                    smtp.quit();
                    smtp.close();
                }
            } catch (RuntimeException e) {
                failures.add(prefix + ": " + e);
            }
        }

        int acknowledgedThrough(String tag) {
            return (int) acknowledged.stream().filter(token -> token.startsWith(tag)).count()
                + (int) acknowledged.stream().filter(token -> token.contains("r")).count();
        }

        boolean await(Duration timeout) throws InterruptedException {
            threads.shutdown();
            boolean done = threads.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                stopped.set(true);
                threads.shutdownNow();
            }
            return done;
        }
    }
}
