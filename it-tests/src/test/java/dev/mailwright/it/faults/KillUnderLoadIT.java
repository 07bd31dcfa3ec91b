package dev.mailwright.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailLoad;
import dev.mailwright.it.support.ServerProcess;

/**
 * "250 means on disk", proven the hard way: 1000 messages from 20 connections, the server process killed with
 * SIGKILL at a random moment (after a random number of acknowledged messages, seed printed), started again on the
 * same data folder. Every message whose {@code 250} the client received must be in its recipient's mailbox exactly
 * once; a message the client sent whole without getting an answer may be there (the server may have stored it before
 * it died: RFC 1047's duplicate window), at most once; nothing else may be there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KillUnderLoadIT {
    private static final int CONNECTIONS = 20;
    private static final int PER_CONNECTION = 50;
    private static final List<String> USERS = List.of("ann@example.test", "ben@example.test", "cid@example.test", "dot@example.test");
    private static final String PASSWORD = "load-secret";

    DnsServer dns;
    ServerProcess server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = ServerProcess.create(directory, dns).start();
        server.admin().addDomain("example.test");
        USERS.forEach(user -> server.admin().addUser(user, PASSWORD));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        dns.close();
    }

    @Test
    void everyAcknowledgedMessageIsInItsMailboxExactlyOnceAfterKill9() {
        long seed = Long.getLong("mailwright.faults.seed", System.nanoTime());
        int killAfter = 100 + new Random(seed).nextInt(800);
        System.out.println("KillUnderLoadIT seed=" + seed + " killAfter=" + killAfter + " acknowledged messages");

        MailLoad load = MailLoad.start(server.port(25), "127.0.0.1", "kill", CONNECTIONS, PER_CONNECTION,
            connection -> USERS.get(connection % USERS.size()), 2048, false);
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (load.acceptedCount() < killAfter && System.nanoTime() < deadline) {
            sleep(5);
        }
        long rss = server.rssMiB();
        server.kill();
        assertThat(load.await(Duration.ofSeconds(60))).as("every client ended after the kill").isTrue();
        Set<String> accepted = load.accepted();
        Set<String> unanswered = load.unanswered();
        System.out.println("KillUnderLoadIT killed at " + accepted.size() + " acknowledged, " + unanswered.size()
            + " sent without answer, RSS before the kill " + rss + " MiB, other replies " + load.refusals());
        assertThat(accepted.size()).as("the kill came under load").isGreaterThanOrEqualTo(killAfter);

        long restart = System.nanoTime();
        server.start();
        Map<String, Integer> found = awaitDelivered(accepted.size());
        System.out.println("KillUnderLoadIT restarted and drained in " + Duration.ofNanos(System.nanoTime() - restart).toSeconds()
            + " s; in the mailboxes: " + found.values().stream().mapToInt(Integer::intValue).sum() + " messages, "
            + found.size() + " distinct");

        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        for (String subject : accepted) {
            int copies = found.getOrDefault(subject, 0);
            if (copies == 0) {
                missing.add(subject);
            } else if (copies > 1) {
                duplicated.add(subject + " x" + copies);
            }
        }
        int unansweredStored = 0;
        for (Map.Entry<String, Integer> entry : found.entrySet()) {
            if (accepted.contains(entry.getKey())) {
                continue;
            }
            if (unanswered.contains(entry.getKey())) {
                unansweredStored++;
                if (entry.getValue() > 1) {
                    duplicated.add(entry.getKey() + " x" + entry.getValue());
                }
            } else {
                unexpected.add(entry.getKey());
            }
        }
        System.out.println("KillUnderLoadIT acknowledged " + accepted.size() + ", stored of them " + (accepted.size() - missing.size())
            + ", sent without answer " + unanswered.size() + " of which stored " + unansweredStored
            + "; missing " + missing.size() + ", duplicated " + duplicated.size() + ", unexpected " + unexpected.size());
        String log = server.logText();
        System.out.println("KillUnderLoadIT after the restart: " + log.lines().filter(line -> line.contains("were being processed when")).findFirst().orElse("no in-flight mail")
            + "; recipients skipped as already delivered: " + log.lines().filter(line -> line.contains("not delivered again")).count());
        assertThat(missing).as("acknowledged (250) but not delivered").isEmpty();
        assertThat(duplicated).as("delivered more than once").isEmpty();
        assertThat(unexpected).as("in a mailbox but never acknowledged nor sent whole").isEmpty();
        assertThat(server.admin().queueSize("spool")).isZero();
        assertThat(server.admin().repositorySize("jpa://var/mail/error/")).as("nothing in the error repository").isZero();
    }

    /** Waits until the spool is empty and the mailboxes hold at least {@code expected} messages, then reads them. */
    private Map<String, Integer> awaitDelivered(int expected) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long stableSince = System.nanoTime();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long count;
            long spool;
            try {
                count = USERS.stream().mapToLong(user -> server.admin().messageCount(user, "INBOX")).sum();
                spool = server.admin().queueSize("spool");
            } catch (IllegalStateException slow) {
                System.out.println("KillUnderLoadIT: WebAdmin did not answer (" + slow.getMessage() + "); the server's threads:\n" + server.threadDump());
                continue;
            }
            if (count != last) {
                last = count;
                stableSince = System.nanoTime();
            }
            if (spool == 0 && count >= expected && System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                break;
            }
            sleep(500);
        }
        if (System.nanoTime() >= deadline) {
            System.out.println("KillUnderLoadIT: not drained within 3 minutes; the server's threads:\n" + server.threadDump());
        }
        Map<String, Integer> found = new HashMap<>();
        for (String user : USERS) {
            for (String subject : Imap.subjects(server.port(143), user, PASSWORD, "INBOX")) {
                found.merge(subject, 1, Integer::sum);
            }
        }
        return found;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
