package dev.mailwright.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.FakeMx;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/**
 * Everything an organization keeps survives a restart: domains, users, aliases, mailboxes (and their search index), and mail still waiting
 * in the outgoing queue, which is delivered once the remote MX comes back.
 */
abstract class PersistenceContract {
    @TempDir
    Path directory;

    /** The server under test, not started, on the database of the subclass. */
    abstract TestServer server(Path directory, DnsServer dns);

    /** The address of the remote MX that is down during the test (each subclass its own). */
    abstract String downMxAddress();

    @Test
    void dataAndQueuedMailSurviveARestart() {
        try (DnsServer dns = DnsServer.start().mx("down.test", 10, "mx.down.test").a("mx.down.test", downMxAddress());
             TestServer server = server(directory, dns).fastRetries("2 seconds", 100).start()) {
            server.admin()
                .addDomain("example.test")
                .addUser("alice@example.test", "alice-secret")
                .addUser("bob@example.test", "bob-secret")
                .addAlias("sales@example.test", "bob@example.test");

            send(server, "sales@example.test", "Before the restart");
            await().atMost(Duration.ofSeconds(30)).until(() -> bobsInbox(server).stream()
                .anyMatch(raw -> raw.contains("Subject: Before the restart")));

            send(server, "dave@down.test", "Waiting for the MX");
            await().atMost(Duration.ofSeconds(30)).until(() -> server.admin().queueSize("outgoing") == 1);

            server.restart();

            assertThat(server.admin().domainExists("example.test")).isTrue();
            assertThat(server.admin().userExists("alice@example.test")).isTrue();
            assertThat(server.admin().userExists("bob@example.test")).isTrue();
            assertThat(server.admin().aliasesOf("bob@example.test").toString()).contains("sales@example.test");
            assertThat(bobsInbox(server)).anySatisfy(raw -> assertThat(raw).contains("Subject: Before the restart"));
            assertThat(Imap.searchSubject(server.port(143), "bob@example.test", "bob-secret", "INBOX", "restart"))
                .as("IMAP SEARCH finds the mail after the restart (search index persisted)").isEqualTo(1);
            assertThat(server.admin().queueSize("outgoing")).as("still queued after the restart").isEqualTo(1);

            try (FakeMx mx = FakeMx.start(downMxAddress())) {
                await().atMost(Duration.ofSeconds(60)).until(() -> mx.received().stream()
                    .anyMatch(mail -> mail.data().contains("Subject: Waiting for the MX")));
                assertThat(mx.received()).hasSize(1);
                assertThat(mx.received().get(0).recipients()).containsExactly("dave@down.test");
                await().atMost(Duration.ofSeconds(30)).until(() -> server.admin().queueSize("outgoing") == 0);
            }
        }
    }

    private static List<String> bobsInbox(TestServer server) {
        return Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX");
    }

    private static void send(TestServer server, String recipient, String subject) {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("laptop.example.test");
            client.startTls();
            client.ehlo("laptop.example.test");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
            assertThat(client.send("alice@example.test", List.of(recipient),
                SmtpClient.message("alice@example.test", recipient, subject, "body")).code()).isEqualTo(250);
        }
    }
}
