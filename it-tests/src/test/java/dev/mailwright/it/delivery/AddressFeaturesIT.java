package dev.mailwright.it.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
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
 * Subaddressing, catch-all and journaling with the shipped configuration, mail coming from outside on port 25:
 * recipient validation at RCPT ({@code ValidRecipientHandler}) accepts {@code user+tag@} of existing users and every
 * address of the catch-all domain it is told about.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AddressFeaturesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    DnsServer dns;
    TestServer server;
    FakeMx remote;

    @BeforeAll
    void start(@TempDir Path directory) {
        remote = FakeMx.start("127.0.0.72");
        dns = DnsServer.start().mx("partner.test", 10, "mx.partner.test").a("mx.partner.test", remote.address());
        server = TestServer.create(directory, dns)
            .edit("smtpserver.xml", "<catchAllDomains></catchAllDomains>", "<catchAllDomains>catchall.test</catchAllDomains>")
            .edit("mailetcontainer.xml", "<catchAll></catchAll>", "<catchAll>catchall.test=info@catchall.test</catchAll>")
            .edit("mailetcontainer.xml", "<journal></journal>", "<journal>example.test=journal@archive.test</journal>")
            .start();
        server.admin()
            .addDomain("example.test").addDomain("catchall.test").addDomain("archive.test")
            .addUser("alice@example.test", "alice-secret")
            .addUser("info@catchall.test", "info-secret")
            .addUser("journal@archive.test", "journal-secret")
            .createMailbox("alice@example.test", "lists");
    }

    @AfterAll
    void stop() {
        server.close();
        remote.close();
        dns.close();
    }

    @Test
    void aTaggedAddressReachesTheUserAndItsFolderWhenItExists() {
        send("bob@partner.test", "alice+lists@example.test", "For the lists folder");
        send("bob@partner.test", "alice+nosuchfolder@example.test", "For the inbox");

        await().atMost(WAIT).until(() -> contains("alice@example.test", "alice-secret", "lists", "For the lists folder"));
        await().atMost(WAIT).until(() -> contains("alice@example.test", "alice-secret", "INBOX", "For the inbox"));
        assertThat(contains("alice@example.test", "alice-secret", "INBOX", "For the lists folder")).isFalse();
    }

    @Test
    void tagsOfUnknownUsersAreStillRefusedAtRcpt() {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("mx.partner.test");
            assertThat(client.mailFrom("bob@partner.test").code()).isEqualTo(250);
            Reply reply = client.rcptTo("nobody+lists@example.test");
            assertThat(reply.code()).isEqualTo(550);
            assertThat(reply.text()).contains("5.1.1");
        }
    }

    @Test
    void unknownUsersOfTheCatchAllDomainReachItsAddress() {
        send("bob@partner.test", "whoever@catchall.test", "Caught by the catch-all");

        await().atMost(WAIT).until(() -> contains("info@catchall.test", "info-secret", "INBOX", "Caught by the catch-all"));
    }

    @Test
    void everyMailOfTheJournaledDomainIsCopiedOnceToTheArchive() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("localhost");
            Reply reply = client.send("alice@example.test", List.of("carol@partner.test", "dan@partner.test"),
                SmtpClient.message("alice@example.test", "carol@partner.test", "Journaled outgoing", "contract"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }

        await().atMost(WAIT).until(() -> remote.receivedWith("Subject: Journaled outgoing").size() == 1);
        await().atMost(WAIT).until(() -> contains("journal@archive.test", "journal-secret", "INBOX", "Journaled outgoing"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
            Imap.messages(server.port(143), "journal@archive.test", "journal-secret", "INBOX").stream()
                .filter(raw -> raw.contains("Subject: Journaled outgoing")).count() == 1);
    }

    private void send(String sender, String recipient, String subject) {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("mx.partner.test");
            Reply reply = client.send(sender, List.of(recipient), SmtpClient.message(sender, recipient, subject, "hello"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
    }

    private boolean contains(String user, String password, String folder, String subject) {
        return Imap.messages(server.port(143), user, password, folder).stream()
            .anyMatch(raw -> raw.contains("Subject: " + subject));
    }
}
