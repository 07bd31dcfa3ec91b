package dev.mailwright.it.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.RawImap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.TestServer;

/**
 * A message of 3000 nested multiparts once made James's attachment parser overflow its stack during an append,
 * leaving the INBOX locked for good. The store refuses messages nested deeper than 100 levels (IMAP APPEND answers
 * NO, local delivery fails) and the INBOX takes the next message at once; 100 levels are stored and FETCH
 * BODYSTRUCTURE answers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MimeNestingIT {
    private static final String USER = "carol@example.test";
    private static final String PASSWORD = "carol-secret";

    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).start();
        server.admin().addDomain("example.test").addUser(USER, PASSWORD).createMailbox(USER, "INBOX");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    static String nested(String subject, int depth) {
        StringBuilder message = new StringBuilder("From: <someone@example.test>\r\nTo: <" + USER + ">\r\nSubject: " + subject
            + "\r\nMIME-Version: 1.0\r\n");
        for (int level = 1; level <= depth; level++) {
            message.append("Content-Type: multipart/mixed; boundary=\"b").append(level).append("\"\r\n\r\n--b").append(level).append("\r\n");
        }
        message.append("Content-Type: text/plain\r\n\r\ninnermost\r\n");
        for (int level = depth; level >= 1; level--) {
            message.append("--b").append(level).append("--\r\n");
        }
        return message.toString();
    }

    @Test
    void imapAppendOf3000LevelsIsRefusedAndTheInboxGoesOn() {
        try (RawImap imap = RawImap.login(server.port(143), USER, PASSWORD)) {
            RawImap.Response refused = imap.append("INBOX", "", nested("too deep", 3000).getBytes(StandardCharsets.US_ASCII));
            assertThat(refused.status()).as(refused.tagged()).isEqualTo("NO");
            RawImap.Response next = imap.append("INBOX", "", "Subject: right after\r\n\r\nfine\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(next.ok()).as(next.tagged()).isTrue();
            assertThat(imap.command("SELECT INBOX").ok()).isTrue();
            assertThat(imap.command("UID SEARCH SUBJECT \"too deep\"").untagged().get(0).trim()).isEqualTo("* SEARCH");
        }
    }

    @Test
    void localDeliveryOf3000LevelsFailsAndNormalMailIsStillDelivered() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("test");
            SmtpClient.Reply deep = client.send("someone@example.test", List.of(USER), nested("deep by smtp", 3000));
            // refused at DATA (554 5.6.0) where the SMTP side checks nesting; otherwise accepted, then not stored
            assertThat(deep.code()).as(deep.text()).isIn(250, 554);
            SmtpClient.Reply normal = client.send("someone@example.test", List.of(USER),
                SmtpClient.message("someone@example.test", USER, "normal after deep", "hello"));
            assertThat(normal.code()).as(normal.text()).isEqualTo(250);
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            try (RawImap imap = RawImap.login(server.port(143), USER, PASSWORD)) {
                assertThat(imap.command("SELECT INBOX").ok()).isTrue();
                assertThat(imap.command("UID SEARCH SUBJECT \"normal after deep\"").untagged().get(0).trim()).matches("\\* SEARCH \\d+");
                assertThat(imap.command("UID SEARCH SUBJECT \"deep by smtp\"").untagged().get(0).trim()).isEqualTo("* SEARCH");
            }
        });
    }

    @Test
    void aHundredLevelsAreStoredAndFetchBodystructureAnswers() {
        try (RawImap imap = RawImap.login(server.port(143), USER, PASSWORD)) {
            RawImap.Response stored = imap.append("INBOX", "", nested("hundred levels", 100).getBytes(StandardCharsets.US_ASCII));
            assertThat(stored.ok()).as(stored.tagged()).isTrue();
            assertThat(imap.command("SELECT INBOX").ok()).isTrue();
            String uid = imap.command("UID SEARCH SUBJECT \"hundred levels\"").untagged().get(0).trim().substring("* SEARCH ".length());
            RawImap.Response fetch = imap.command("UID FETCH " + uid + " (BODYSTRUCTURE)");
            assertThat(fetch.ok()).as(fetch.tagged()).isTrue();
            String structure = fetch.untagged().get(0);
            assertThat(structure).contains("BODYSTRUCTURE").containsIgnoringCase("\"mixed\"");
            int depth = 0;
            int deepest = 0;
            for (char c : structure.toCharArray()) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
                deepest = Math.max(deepest, depth);
            }
            assertThat(deepest).as("nesting of the BODYSTRUCTURE answer").isGreaterThanOrEqualTo(100);
        }
    }
}
