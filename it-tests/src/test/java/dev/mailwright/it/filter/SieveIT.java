package dev.mailwright.it.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.FakeMx;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * Users' own filters: Bob uploads and activates a Sieve script over ManageSieve (port 4190, STARTTLS before
 * AUTHENTICATE) with a real client, sieve-connect (Debian package), that files project mail into a folder and sets a
 * vacation reply; mail from outside (127.0.0.72) is filed, and each sender gets one reply, lists and automatic mail
 * none. The replies go out through outbound delivery to the senders' MX, a fake MX on 127.0.0.73.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SieveIT {
    static final String MTA = "127.0.0.72";
    static final String BOB = "bob@example.test";
    static final String SCRIPT = "require [\"fileinto\", \"vacation\"];\r\n"
        + "if header :contains \"subject\" \"[project]\" {\r\n    fileinto \"Projects\";\r\n}\r\n"
        + "vacation :days 7 :subject \"Out of office\" \"I am away until Monday; your mail will be read then.\";\r\n";

    DnsServer dns;
    FakeMx mx;
    TestServer server;
    Path directory;

    @BeforeAll
    void start(@TempDir Path directory) {
        this.directory = directory;
        mx = FakeMx.start("127.0.0.73");
        dns = DnsServer.start().mx("other.test", 10, "mx.other.test").a("mx.other.test", mx.address());
        server = TestServer.create(directory.resolve("server"), dns).start();
        server.admin().addDomain("example.test").addUser(BOB, "bob-secret");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (mx != null) {
            mx.close();
        }
    }

    /** sieve-connect with Bob's password on its standard input; returns what it printed. */
    private String sieveConnect(String... action) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/sieve-connect"))) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("sieve-connect is not installed (apt-get install sieve-connect)");
            }
            Assumptions.abort("sieve-connect is not installed (apt-get install sieve-connect)");
        }
        List<String> command = new java.util.ArrayList<>(List.of("sieve-connect", "--server", "127.0.0.1",
            "--port", String.valueOf(server.port(4190)), "--user", BOB, "--passwordfd", "0", "--notlsverify", "--noclearauth", "--debug"));
        command.addAll(List.of(action));
        Path log = Files.createTempFile(directory, "sieve-connect", ".log");
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile()).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write("bob-secret\n".getBytes(StandardCharsets.UTF_8));
        }
        boolean finished = process.waitFor(30, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        System.out.println("sieve-connect " + String.join(" ", action) + " -> " + (finished ? "exit " + process.exitValue() : "killed") + "\n" + output);
        assertThat(finished).as("sieve-connect finished: " + output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private Reply send(String sender, String subject, String extraHeaders) {
        try (SmtpClient smtp = SmtpClient.connectFrom(MTA, server.port(25))) {
            smtp.ehlo("mx.other.test");
            String from = sender.isEmpty() ? "mailer-daemon@other.test" : sender;
            return smtp.send(sender, List.of(BOB), "From: <" + from + ">\r\nTo: Bob <" + BOB + ">\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@other.test>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n" + extraHeaders
                + "\r\nHello Bob,\r\nplease have a look.\r\n");
        }
    }

    private void deliveredTo(String folder, String subject) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
            .until(() -> Imap.searchSubject(server.port(143), BOB, "bob-secret", folder, subject) == 1);
    }

    @Test
    void authenticateBeforeTlsIsRefused() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port(4190))) {
            socket.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            StringBuilder greeting = new StringBuilder();
            while ((line = in.readLine()) != null && !line.startsWith("OK")) {
                greeting.append(line).append('\n');
            }
            assertThat(greeting.toString()).contains("\"STARTTLS\"").contains("\"SASL\" \"\"").doesNotContain("PLAIN");
            String credentials = Base64.getEncoder().encodeToString(("\0" + BOB + "\0bob-secret").getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(("AUTHENTICATE \"PLAIN\" \"" + credentials + "\"\r\n").getBytes(StandardCharsets.US_ASCII));

            assertThat(in.readLine()).startsWith("NO (ENCRYPT-NEEDED)");
        }
    }

    @Test
    void aScriptUploadedOverManageSieveFilesMailAndRepliesOncePerSender() throws Exception {
        Files.writeString(directory.resolve("away.siv"), SCRIPT);
        sieveConnect("--localsieve", "away.siv", "--remotesieve", "away", "--upload");
        sieveConnect("--remotesieve", "away", "--activate");
        assertThat(sieveConnect("--list")).contains("away");

        assertThat(send("carol@other.test", "[project] status", "").code()).isEqualTo(250);
        assertThat(send("carol@other.test", "[project] follow-up", "").code()).isEqualTo(250);
        assertThat(send("news@other.test", "weekly digest", "Precedence: bulk\r\nList-Id: <digest.other.test>\r\n").code()).isEqualTo(250);
        assertThat(send("", "delivery report", "Auto-Submitted: auto-replied\r\n").code()).isEqualTo(250);
        deliveredTo("Projects", "status");
        deliveredTo("Projects", "follow-up");
        deliveredTo("INBOX", "weekly digest");
        deliveredTo("INBOX", "delivery report");
        // a last sender: once its reply has arrived, the earlier ones have had their time
        assertThat(send("dave@other.test", "lunch", "").code()).isEqualTo(250);
        deliveredTo("INBOX", "lunch");
        await().atMost(Duration.ofSeconds(60)).until(() -> mx.received().stream().anyMatch(r -> r.recipients().contains("dave@other.test")));

        List<FakeMx.Received> replies = mx.received();
        assertThat(replies).extracting(r -> r.recipients().get(0)).containsExactlyInAnyOrder("carol@other.test", "dave@other.test");
        FakeMx.Received reply = replies.stream().filter(r -> r.recipients().contains("carol@other.test")).findFirst().orElseThrow();
        assertThat(reply.sender()).as("null envelope sender").isEmpty();
        assertThat(reply.data()).contains("Subject: Out of office").contains("Auto-Submitted: auto-replied")
            .contains("I am away until Monday").containsPattern("From: .*" + BOB);
    }
}
