package dev.mailwright.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.Commands;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailLoad;
import dev.mailwright.it.support.PostgresDatabase;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * PostgreSQL stopped for 30 s under load (PostgreSQL mode), then started again, the server left running: what clients
 * are told while the database is down, and that every message that got {@code 250} is delivered exactly once once
 * it is back, without a restart. Stops the local cluster ({@code pg_ctlcluster}, as root, like {@code .ci/run}), so
 * it runs only where the PostgreSQL tests run, and always starts it again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresOutageIT {
    private static final List<String> USERS = List.of("ann@example.test", "ben@example.test");
    private static final String PASSWORD = "pg-secret";
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    DnsServer dns;
    TestServer server;
    String[] cluster;

    @BeforeAll
    void start(@TempDir Path directory) {
        PostgresDatabase database = PostgresDatabase.createFresh();
        cluster = localCluster();
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).usePostgres(database).start();
        server.admin().addDomain("example.test");
        USERS.forEach(user -> server.admin().addUser(user, PASSWORD));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void whileTheDatabaseIsDownClientsAreToldToComeBackAndNothingIsLostOrDuplicated() throws Exception {
        // 2 clients, 10 messages a second in all: a few hundred messages cross the outage
        MailLoad load = MailLoad.start(server.port(25), "127.0.0.1", "pg", 2, 2000,
            connection -> USERS.get(connection % USERS.size()), 2048, true).pauseBetweenMessages(Duration.ofMillis(200));
        awaitAccepted(load, 50);
        int acceptedBefore = load.acceptedCount();
        Map<String, Integer> refusalsBefore = load.refusals();
        Map<String, Integer> outsiderReplies = new HashMap<>();
        long down = System.nanoTime();
        pgCtl("stop");
        int acceptedWhileDown;
        try {
            // an outside MX (not loopback: recipients, SPF and the rest are checked) during the outage
            long until = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < until) {
                try (SmtpClient client = SmtpClient.connectFrom("127.0.0.95", server.port(25))) {
                    client.ehlo("mx.outside.test");
                    Reply reply = client.send("someone@outside.test", List.of(USERS.get(0)),
                        SmtpClient.message("someone@outside.test", USERS.get(0), "pg-outsider", "during the outage"));
                    outsiderReplies.merge(reply.text().lines().findFirst().orElse(""), 1, Integer::sum);
                } catch (RuntimeException broken) {
                    outsiderReplies.merge("connection broken: " + broken.getMessage(), 1, Integer::sum);
                }
                Thread.sleep(2_000);
            }
            acceptedWhileDown = load.acceptedCount() - acceptedBefore;
        } finally {
            pgCtl("start");
        }
        long up = System.nanoTime();
        System.out.println("PostgresOutageIT database down " + Duration.ofNanos(up - down).toSeconds() + " s: " + acceptedWhileDown
            + " messages accepted meanwhile from loopback; other replies " + diff(load.refusals(), refusalsBefore)
            + "; an outside MX was answered " + outsiderReplies);

        // recovery without a restart: the load goes on being accepted, then everything is delivered
        awaitAccepted(load, load.acceptedCount() + 50);
        System.out.println("PostgresOutageIT 50 more accepted " + Duration.ofNanos(System.nanoTime() - up).toMillis() + " ms after the database came back");
        load.stop();
        assertThat(load.await(Duration.ofSeconds(60))).isTrue();
        Set<String> accepted = load.accepted();
        Map<String, Integer> found = awaitDelivered(accepted.size(), up);
        List<String> missing = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        for (String subject : accepted) {
            int copies = found.getOrDefault(subject, 0);
            if (copies == 0) {
                missing.add(subject);
            } else if (copies > 1) {
                duplicated.add(subject);
            }
        }
        List<String> unexpected = found.keySet().stream()
            .filter(subject -> subject.startsWith("pg-") && !subject.equals("pg-outsider") && !accepted.contains(subject)
                && !load.unanswered().contains(subject)).toList();
        System.out.println("PostgresOutageIT accepted " + accepted.size() + ", stored " + found.values().stream().mapToInt(Integer::intValue).sum()
            + "; missing " + missing + ", duplicated " + duplicated + ", unexpected " + unexpected + "; spool "
            + server.admin().queueSize("spool") + ", error repository " + server.admin().repositorySize("jpa://var/mail/error/"));
        assertThat(missing).as("accepted (250) but not delivered").isEmpty();
        assertThat(duplicated).isEmpty();
        assertThat(unexpected).isEmpty();
        assertThat(load.refusals().keySet()).as("only temporary refusals").allMatch(reply -> reply.startsWith("4"));
        assertThat(load.refusals().keySet()).as("a recipient that cannot be checked: 451 4.3.0")
            .anyMatch(reply -> reply.startsWith("451 4.3.0 Cannot check"));
        assertThat(outsiderReplies.keySet()).as("an outside MX is told to come back, or its mail is taken")
            .allMatch(reply -> reply.startsWith("4") || reply.startsWith("250"));
    }

    private static Map<String, Integer> diff(Map<String, Integer> now, Map<String, Integer> before) {
        Map<String, Integer> result = new HashMap<>();
        now.forEach((reply, count) -> {
            int added = count - before.getOrDefault(reply, 0);
            if (added > 0) {
                result.put(reply, added);
            }
        });
        return result;
    }

    private void awaitAccepted(MailLoad load, int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (load.acceptedCount() < count) {
            assertThat(System.nanoTime()).as("%d messages accepted (now %d, refusals %s)", count, load.acceptedCount(), load.refusals())
                .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** The mailboxes once the spool is empty and the count stable (mails that failed meanwhile retry after 1 s, 10 s, 1 min). */
    private Map<String, Integer> awaitDelivered(int expected, long up) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long stableSince = System.nanoTime();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long count = USERS.stream().mapToLong(user -> server.admin().messageCount(user, "INBOX")).sum();
            if (count != last) {
                last = count;
                stableSince = System.nanoTime();
            }
            if (server.admin().queueSize("spool") == 0 && count >= expected && System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                System.out.println("PostgresOutageIT all delivered " + Duration.ofNanos(System.nanoTime() - up).toSeconds()
                    + " s after the database came back");
                break;
            }
            Thread.sleep(500);
        }
        Map<String, Integer> found = new HashMap<>();
        for (String user : USERS) {
            for (String subject : Imap.subjects(server.port(143), user, PASSWORD, "INBOX")) {
                found.merge(subject, 1, Integer::sum);
            }
        }
        return found;
    }

    /** The local PostgreSQL cluster ({@code pg_lsclusters}: version and name), or the test cannot run here. */
    private static String[] localCluster() {
        Commands.Result clusters = Commands.run(List.of("pg_lsclusters", "-h"));
        boolean required = "1".equals(System.getenv("MAILWRIGHT_IT_REQUIRE_POSTGRES"));
        if (clusters.exitCode() != 0 || clusters.output().isBlank()) {
            if (required) {
                throw new IllegalStateException("pg_lsclusters: " + clusters.output());
            }
            Assumptions.abort("no local PostgreSQL cluster to stop (pg_lsclusters)");
        }
        String[] fields = clusters.output().lines().findFirst().orElseThrow().trim().split("\\s+");
        return new String[] {fields[0], fields[1]};
    }

    private void pgCtl(String action) {
        Commands.Result result = Commands.run(List.of("pg_ctlcluster", cluster[0], cluster[1], action));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("pg_ctlcluster " + cluster[0] + " " + cluster[1] + " " + action + ": " + result.output());
        }
    }
}
