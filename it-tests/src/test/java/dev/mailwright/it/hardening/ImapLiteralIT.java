package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.ImapConnection;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * IMAP literals (CVE-2024-37358, fixed only in James 3.8.2): an unauthenticated client announcing a huge literal
 * is answered {@code * BYE [TOOBIG]} and cut off before the server reads (or writes to disk) any of it; ordinary
 * literals (LOGIN, APPEND) keep working; an authenticated command over the per-command limit is cut off too.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImapLiteralIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    @Test
    void aHugeLiteralBeforeLoginIsRefusedWithoutReadingIt() throws Exception {
        long temporaryFilesBefore = literalFiles();
        try (ImapConnection imap = ImapConnection.connect(SmtpClient.OUTSIDE, server.port(143))) {
            imap.send("a001 LOGIN {2000000000}\r\n");
            CompletableFuture<Long> streamed = CompletableFuture.supplyAsync(() -> stream(imap, 200L * 1024 * 1024));

            String answer = imap.readLine();
            assertThat(answer).startsWith("* BYE [TOOBIG]");
            assertThat(imap.closedByServer(5_000)).isTrue();
            long sent = streamed.get(30, TimeUnit.SECONDS);
            assertThat(sent).as("bytes the client could push before the server closed").isLessThan(50L * 1024 * 1024);
        }
        assertThat(literalFiles()).isEqualTo(temporaryFilesBefore);
        // the server is still there for everyone else
        try (ImapConnection next = ImapConnection.connect(SmtpClient.OUTSIDE, server.port(143))) {
            assertThat(next.greeting()).startsWith("* OK");
            assertThat(next.command("a1 CAPABILITY")).last().asString().startsWith("a1 OK");
        }
    }

    @Test
    void manySmallLiteralsInOneCommandBeforeLoginAreRefused() {
        try (ImapConnection imap = ImapConnection.connect(SmtpClient.OUTSIDE, server.port(143))) {
            StringBuilder command = new StringBuilder("a1 ID (");
            for (int i = 0; i < 5; i++) {
                command.append("{1+}\r\nx ");
            }
            imap.send(command + ")\r\n");

            assertThat(imap.untilTagged("a1")).first().asString().startsWith("* BYE [TOOBIG]");
            assertThat(imap.closedByServer(5_000)).isTrue();
        }
    }

    @Test
    void loginWithLiteralsAndAnAppendWithinTheLimitWork() {
        try (ImapConnection imap = ImapConnection.connect(SmtpClient.OUTSIDE, server.port(143)).startTls()) {
            imap.send("a1 LOGIN {16}\r\n");
            assertThat(imap.readLine()).startsWith("+");
            // James 3.8.1 sends no continuation for a second synchronizing literal of a command: LITERAL+ here
            imap.send("bob@example.test {10+}\r\nbob-secret\r\n");
            assertThat(imap.untilTagged("a1")).last().asString().startsWith("a1 OK");

            String message = "Subject: appended\r\n\r\n" + "x".repeat(1024 * 1024) + "\r\n";
            imap.send("a2 APPEND INBOX {" + message.length() + "}\r\n");
            assertThat(imap.readLine()).startsWith("+");
            imap.send(message + "\r\n");
            assertThat(imap.untilTagged("a2")).last().asString().startsWith("a2 OK");
        }
    }

    @Test
    void anAppendOverTheLimitIsRefusedBeforeItsBytesAreRead() {
        try (ImapConnection imap = ImapConnection.connect(SmtpClient.OUTSIDE, server.port(143)).startTls()) {
            assertThat(imap.command("a1 LOGIN bob@example.test bob-secret")).last().asString().startsWith("a1 OK");
            List<String> capabilities = imap.command("a2 CAPABILITY");
            assertThat(String.join(" ", capabilities)).contains("APPENDLIMIT=52428800");

            imap.send("a3 APPEND INBOX {60000000}\r\n");

            assertThat(imap.readLine()).startsWith("* BYE [TOOBIG]");
            assertThat(imap.closedByServer(5_000)).isTrue();
        }
    }

    private static long stream(ImapConnection imap, long limit) {
        byte[] chunk = new byte[64 * 1024];
        long sent = 0;
        try {
            while (sent < limit) {
                imap.send(chunk);
                sent += chunk.length;
            }
        } catch (RuntimeException closed) {
            // the server closed the connection: what we measure
        }
        return sent;
    }

    private static long literalFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return files.filter(file -> file.getFileName().toString().startsWith("imap-literal")).count();
        }
    }
}
