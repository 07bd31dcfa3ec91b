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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailLoad;
import dev.mailwright.it.support.ServerProcess;
import dev.mailwright.it.support.SmallFilesystem;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;

/**
 * The data folder on a small filesystem (a 300 MiB tmpfs) that fills up under load: below {@code minFree} (lowered
 * to 60M here) new mail gets {@code 452 4.3.1} at MAIL FROM; a message whose DATA was under way when the disk became
 * completely full gets no {@code 250} unless it was stored; nothing already accepted is lost; and once space is
 * freed the server takes mail again without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DiskFullIT {
    private static final List<String> USERS = List.of("ann@example.test", "ben@example.test");
    private static final String PASSWORD = "disk-secret";
    private static final long MIB = 1024 * 1024;

    DnsServer dns;
    SmallFilesystem disk;
    ServerProcess server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        disk = SmallFilesystem.mount(directory.resolve("disk"), 300);
        server = ServerProcess.create(directory.resolve("server"), dns).dataFolder(disk.path().resolve("var"));
        server.config().edit("smtpserver.xml", "<minFree>100M</minFree>", "<minFree>60M</minFree>");
        server.start();
        server.admin().addDomain("example.test");
        USERS.forEach(user -> server.admin().addUser(user, PASSWORD));
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (disk != null) {
            disk.close();
        }
        dns.close();
    }

    @Test
    void aFillingDiskRefusesNewMailWith452LosesNothingAndRecoversWhenSpaceIsFreed() {
        System.out.println("DiskFullIT free at start: " + disk.freeBytes() / MIB + " MiB");
        MailLoad load = MailLoad.start(server.port(25), "127.0.0.1", "disk", 4, 2000,
            connection -> USERS.get(connection % USERS.size()), 16 * 1024, true);
        awaitAccepted(load, 100);

        // 1. below minFree (60M), not full: new mail is told to come back, the spool goes on delivering
        disk.fillUntilFree(30 * MIB);
        int acceptedAtLow = load.acceptedCount();
        sleep(6_000);
        int acceptedWhileLow = load.acceptedCount() - acceptedAtLow;
        System.out.println("DiskFullIT below minFree (" + disk.freeBytes() / MIB + " MiB free): " + acceptedWhileLow
            + " accepted in 6 s, refusals " + load.refusals());
        assertThat(load.refusals().keySet()).as("new mail is told to come back").anyMatch(reply -> reply.startsWith("452 4.3.1"));
        disk.freeFiller();
        awaitAccepted(load, load.acceptedCount() + 20);

        // 2. completely full, with a transaction whose DATA ends on the full disk
        SmtpClient pending = SmtpClient.connect(server.port(25));
        pending.ehlo("pending.test");
        assertThat(pending.mailFrom("pending@sender.test").code()).isEqualTo(250);
        assertThat(pending.rcptTo(USERS.get(0)).code()).isEqualTo(250);
        assertThat(pending.command("DATA").code()).isEqualTo(354);
        pending.write("From: <pending@sender.test>\r\nSubject: disk-pending\r\nMessage-ID: <disk-pending@load.test>\r\n\r\n");
        pending.write(("x".repeat(998) + "\r\n").repeat(1024));
        disk.fillUntilFree(0);
        int acceptedAtFull = load.acceptedCount();
        pending.write(".\r\n");
        Reply pendingReply = pending.readReply();
        pending.close();
        sleep(8_000);
        int acceptedWhileFull = load.acceptedCount() - acceptedAtFull;
        System.out.println("DiskFullIT full (" + disk.freeBytes() + " bytes free): the DATA that ended then got \"" + pendingReply
            + "\"; " + acceptedWhileFull + " accepted in 8 s; refusals " + load.refusals() + "; server alive: " + server.isAlive());
        assertThat(server.isAlive()).isTrue();
        assertThat(pendingReply).as("the DATA that ended on a full disk got an answer").isNotNull();
        assertThat(pendingReply.code()).as("250 only for a stored message, else a temporary refusal").isIn(250, 421, 451, 452);
        assertThat(load.refusals().keySet()).as("only temporary refusals").allMatch(reply -> reply.startsWith("4"));

        // 3. space freed: mail is accepted again without a restart
        disk.freeFiller();
        long freed = System.nanoTime();
        int target = load.acceptedCount() + 50;
        boolean queueClosed = false;
        if (!acceptedWithin(load, target, Duration.ofSeconds(30))) {
            // Known limit (docs/hardening.md): in some runs the in-VM connection James's queue sends on is closed by
            // the failed store writes ("The Session is closed"), and every DATA gets 451 4.0.0 until a restart
            queueClosed = server.logText().contains("The Session is closed");
            System.out.println("DiskFullIT no mail accepted 30 s after the space was freed (queue session closed: " + queueClosed
                + ", replies " + load.refusals() + ", " + disk.freeBytes() / MIB + " MiB free, used by " + usage(disk.path().resolve("var"))
                + "); restarting the server");
            assertThat(queueClosed).as("the only known reason not to recover").isTrue();
            server.restart();
            target = load.acceptedCount() + 50;
        }
        awaitAccepted(load, target);
        System.out.println("DiskFullIT 50 more accepted " + Duration.ofNanos(System.nanoTime() - freed).toMillis() + " ms after the space was freed"
            + (queueClosed ? " (after a restart)" : ""));
        load.stop();
        assertThat(load.await(Duration.ofSeconds(60))).isTrue();

        Set<String> accepted = new java.util.HashSet<>(load.accepted());
        if (pendingReply.code() == 250) {
            accepted.add("disk-pending");
        }
        // Derby, the embedded database, turns read-only when it cannot write its log (a full disk) and stays so
        // until restarted: the mails it could not store wait in the spool, a restart delivers them
        boolean derbyReadOnly = server.logText().contains("not permitted for a read-only connection, user or database");
        if (derbyReadOnly && !queueClosed) {
            System.out.println("DiskFullIT the embedded database turned read-only; spool " + server.admin().queueSize("spool")
                + " mails waiting; " + disk.freeBytes() / MIB + " MiB free, used by " + usage(disk.path().resolve("var"))
                + "; restarting the server");
            server.restart();
        }
        if (derbyReadOnly || queueClosed) {
            // what failed meanwhile waits for its next retry (up to 5 minutes later): the administrator flushes
            server.admin().flushQueue("spool");
        }
        Map<String, Integer> found = awaitDelivered(accepted.size());
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
            .filter(subject -> !accepted.contains(subject) && !load.unanswered().contains(subject)).toList();
        System.out.println("DiskFullIT accepted " + accepted.size() + ", refused " + load.refusedSubjects().size() + " " + load.refusals()
            + ", stored " + found.values().stream().mapToInt(Integer::intValue).sum() + " (restart needed: Derby read-only " + derbyReadOnly
            + ", queue session closed " + queueClosed + "); missing "
            + missing.size() + ", duplicated " + duplicated.size() + ", unexpected " + unexpected + "; spool " + server.admin().queueSize("spool")
            + ", error repository " + server.admin().repositorySize("jpa://var/mail/error/") + "; missing " + missing + ", duplicated " + duplicated);
        assertThat(missing).as("accepted (250) but not delivered").isEmpty();
        assertThat(duplicated).isEmpty();
        assertThat(unexpected).isEmpty();
    }

    /** Space taken by each folder of the data folder, in MiB. */
    private static Map<String, Long> usage(Path data) {
        Map<String, Long> sizes = new java.util.TreeMap<>();
        try (var folders = java.nio.file.Files.list(data)) {
            for (Path folder : folders.toList()) {
                try (var files = java.nio.file.Files.walk(folder)) {
                    sizes.put(folder.getFileName().toString(), files.filter(java.nio.file.Files::isRegularFile)
                        .mapToLong(file -> file.toFile().length()).sum() / MIB);
                }
            }
        } catch (java.io.IOException e) {
            sizes.put("?", -1L);
        }
        return sizes;
    }

    private static boolean acceptedWithin(MailLoad load, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (load.acceptedCount() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(100);
        }
        return true;
    }

    private void awaitAccepted(MailLoad load, int count) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (load.acceptedCount() < count) {
            assertThat(System.nanoTime()).as("%d messages accepted within 90 s (now %d, refusals %s)", count, load.acceptedCount(),
                load.refusals()).isLessThan(deadline);
            sleep(100);
        }
    }

    private Map<String, Integer> awaitDelivered(int expected) {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long stableSince = System.nanoTime();
        long last = -1;
        while (System.nanoTime() < deadline) {
            long count = USERS.stream().mapToLong(user -> server.admin().messageCount(user, "INBOX")).sum();
            if (count != last) {
                last = count;
                stableSince = System.nanoTime();
            }
            if (server.admin().queueSize("spool") == 0 && count >= expected
                && System.nanoTime() - stableSince > Duration.ofSeconds(3).toNanos()) {
                break;
            }
            sleep(500);
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
