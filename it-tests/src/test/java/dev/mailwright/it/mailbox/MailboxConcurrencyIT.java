package dev.mailwright.it.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.core.Username;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.modules.QuotaProbesImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.MailboxLoad;
import dev.mailwright.it.support.RawImap;
import dev.mailwright.it.support.TestServer;

/**
 * The mailbox store under concurrent writers and a reader: 20 SMTP connections and 5 IMAP APPEND clients put 2000
 * messages into one INBOX while another IMAP client, with the INBOX selected, FETCHes and SEARCHes without pause.
 * The reader must never get BAD or NO, must always see UIDs 1..n with message number = UID (no UID n+1 before n,
 * nothing expunged), and at the end every message is there once, found by SEARCH, and the quota usage is the sum
 * of the message sizes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MailboxConcurrencyIT {
    private static final String USER = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final int SMTP_CLIENTS = 20;
    private static final int IMAP_CLIENTS = 5;
    private static final int PER_CLIENT = 80;
    private static final int TOTAL = (SMTP_CLIENTS + IMAP_CLIENTS) * PER_CLIENT;
    private static final Pattern FETCH_UID = Pattern.compile("^\\* (\\d+) FETCH \\(UID (\\d+)\\)$");
    private static final Pattern EXISTS = Pattern.compile("^\\* (\\d+) EXISTS$");
    private static final Pattern MSN = Pattern.compile("^\\* (\\d+) FETCH ");
    private static final Pattern UID_ITEM = Pattern.compile("[( ]UID (\\d+)");
    private static final Pattern SIZE_ITEM = Pattern.compile("RFC822\\.SIZE (\\d+)");
    private static final Pattern SUBJECT_TOKEN = Pattern.compile("Subject: load (\\S+)");

    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = onDatabase(TestServer.create(directory, dns)).start();
        server.admin()
            .addDomain("example.test")
            .addUser(USER, PASSWORD)
            .createMailbox(USER, "INBOX");
    }

    /** The database the store runs on: embedded Derby here, PostgreSQL in {@link MailboxConcurrencyOnPostgresIT}. */
    TestServer onDatabase(TestServer server) {
        return server;
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    /** What the watching client saw that it should not have. */
    private final List<String> problems = new CopyOnWriteArrayList<>();

    @Test
    void twoThousandMessagesFromTwentyFiveWritersWhileAReaderFetchesAndSearches() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        Thread watcher = new Thread(() -> watch(done, rounds), "imap-watcher");
        watcher.start();

        MailboxLoad load = MailboxLoad.start(server.port(25), server.port(143), USER, PASSWORD, SMTP_CLIENTS, IMAP_CLIENTS, PER_CLIENT);
        assertThat(load.await(Duration.ofMinutes(8))).as("writers ended").isTrue();
        assertThat(load.refusals()).isEmpty();
        assertThat(load.failures()).isEmpty();
        assertThat(load.acknowledgedCount()).isEqualTo(TOTAL);
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
            .until(() -> server.admin().messageCount(USER, "INBOX") >= TOTAL);
        done.set(true);
        watcher.join(120_000);

        assertThat(problems).isEmpty();
        assertThat(rounds.get()).as("reader rounds during the load").isGreaterThan(10);

        try (RawImap imap = RawImap.login(server.port(143), USER, PASSWORD)) {
            assertThat(imap.command("SELECT INBOX").ok()).isTrue();
            RawImap.Response fetch = imap.command("FETCH 1:* (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertThat(fetch.ok()).as(fetch.tagged()).isTrue();
            Set<String> tokens = new HashSet<>();
            long size = 0;
            int expected = 1;
            for (String untagged : fetch.untagged()) {
                assertThat(Integer.parseInt(field(MSN, untagged))).as(untagged).isEqualTo(expected);
                assertThat(Integer.parseInt(field(UID_ITEM, untagged))).as("UIDs unique and increasing, none skipped").isEqualTo(expected);
                size += Long.parseLong(field(SIZE_ITEM, untagged));
                String token = field(SUBJECT_TOKEN, untagged);
                assertThat(tokens.add(token)).as("stored once: " + token).isTrue();
                expected++;
            }
            assertThat(tokens).isEqualTo(load.acknowledged());

            assertThat(uids(imap.command("UID SEARCH BODY " + MailboxLoad.WORD))).hasSize(TOTAL);
            assertThat(uids(imap.command("UID SEARCH SUBJECT s3n17"))).hasSize(1);

            QuotaProbesImpl quota = server.server().james().getProbe(QuotaProbesImpl.class);
            QuotaRoot root = QuotaRoot.quotaRoot("#private&" + USER, Username.of(USER).getDomainPart());
            assertThat(quota.getMessageCountQuota(root).getUsed().asLong()).isEqualTo(TOTAL);
            assertThat(quota.getStorageQuota(root).getUsed().asLong()).isEqualTo(size);
        }
    }

    /** SELECT INBOX, then FETCH and SEARCH in a loop, checking every answer. */
    private void watch(AtomicBoolean done, AtomicInteger rounds) {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(12));
        try (RawImap imap = RawImap.login(server.port(143), USER, PASSWORD)) {
            RawImap.Response select = imap.command("SELECT INBOX");
            check("SELECT INBOX", select);
            int exists = exists(select, 0);
            while (!done.get() && Instant.now().isBefore(deadline)) {
                RawImap.Response noop = imap.command("NOOP");
                check("NOOP", noop);
                exists = exists(noop, exists);
                if (exists > 0) {
                    RawImap.Response fetch = imap.command("FETCH 1:* (UID)");
                    check("FETCH 1:* (UID)", fetch);
                    exists = exists(fetch, exists);
                    int seen = 0;
                    for (String untagged : fetch.untagged()) {
                        Matcher matcher = FETCH_UID.matcher(untagged);
                        if (matcher.matches()) {
                            seen++;
                            if (!matcher.group(1).equals(matcher.group(2)) || Integer.parseInt(matcher.group(1)) != seen) {
                                problems.add("FETCH answered message " + matcher.group(1) + " with UID " + matcher.group(2)
                                    + " after " + (seen - 1) + " messages");
                            }
                        }
                    }
                }
                checkContiguous("UID SEARCH ALL", imap.command("UID SEARCH ALL"));
                checkContiguous("UID SEARCH BODY", imap.command("UID SEARCH BODY " + MailboxLoad.WORD));
                rounds.incrementAndGet();
                Thread.sleep(50);
            }
        } catch (Exception e) {
            problems.add("the reader failed: " + e);
        }
    }

    private void check(String command, RawImap.Response response) {
        if (!response.ok()) {
            problems.add(command + " -> " + response.tagged());
        }
    }

    private void checkContiguous(String command, RawImap.Response response) {
        check(command, response);
        List<Long> uids = uids(response);
        for (int i = 0; i < uids.size(); i++) {
            if (uids.get(i) != i + 1) {
                problems.add(command + " answered UID " + uids.get(i) + " at position " + (i + 1));
                return;
            }
        }
    }

    static String field(Pattern pattern, String untagged) {
        Matcher matcher = pattern.matcher(untagged);
        assertThat(matcher.find()).as(pattern + " in " + untagged).isTrue();
        return matcher.group(1);
    }

    private static int exists(RawImap.Response response, int previous) {
        int exists = previous;
        for (String untagged : response.untagged()) {
            Matcher matcher = EXISTS.matcher(untagged);
            if (matcher.matches()) {
                exists = Integer.parseInt(matcher.group(1));
            }
        }
        return exists;
    }

    private static List<Long> uids(RawImap.Response response) {
        List<Long> uids = new ArrayList<>();
        for (String untagged : response.untagged()) {
            if (untagged.startsWith("* SEARCH")) {
                for (String part : untagged.substring("* SEARCH".length()).trim().split(" ")) {
                    if (!part.isEmpty()) {
                        uids.add(Long.parseLong(part));
                    }
                }
            }
        }
        uids.sort(Long::compare);
        return uids;
    }
}
