package dev.mailwright.it.server;

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

import dev.mailwright.it.support.FakeMx;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/** Mail from our users to other organizations: found through DNS MX, handed over SMTP, failures reported once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteDeliveryIT {
    DnsServer dns;
    TestServer server;
    FakeMx remoteMx;

    @BeforeAll
    void start(@TempDir Path directory) {
        remoteMx = FakeMx.start("127.0.0.21")
            .rcptReply(rcpt -> rcpt.startsWith("nobody@") ? "550 5.1.1 <" + rcpt + ">: Recipient address rejected" : "250 2.1.5 OK");
        dns = DnsServer.start()
            .mx("remote.test", 10, "mx.remote.test")
            .a("mx.remote.test", remoteMx.address());
        server = TestServer.create(directory, dns).fastRetries("2 seconds", 3).start();
        server.admin()
            .addDomain("example.test")
            .addUser("alice@example.test", "alice-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        remoteMx.close();
        dns.close();
    }

    @Test
    void mailToARemoteDomainArrivesAtItsMx() {
        Reply reply = submit("carol@remote.test", "Quarterly report");
        assertThat(reply.code()).as(reply.text()).isEqualTo(250);

        await().atMost(Duration.ofSeconds(60)).until(() -> remoteMx.received().stream()
            .anyMatch(mail -> mail.data().contains("Subject: Quarterly report")));
        FakeMx.Received received = remoteMx.received().stream()
            .filter(mail -> mail.data().contains("Subject: Quarterly report")).findFirst().orElseThrow();
        assertThat(received.sender()).isEqualTo("alice@example.test");
        assertThat(received.recipients()).containsExactly("carol@remote.test");
        assertThat(received.helo()).isEqualTo(TestServer.HOSTNAME);
        assertThat(received.data()).contains("Received: from");
    }

    @Test
    void aPermanentRefusalGivesTheSenderExactlyOneDsn() {
        Reply reply = submit("nobody@remote.test", "Will bounce");
        assertThat(reply.code()).as(reply.text()).isEqualTo(250);

        await().atMost(Duration.ofSeconds(60)).until(() -> dsnsFor("nobody@remote.test").size() == 1);
        // and no second one, even after the retry delays have passed
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(() -> dsnsFor("nobody@remote.test").size() == 1);
        String dsn = dsnsFor("nobody@remote.test").get(0);
        assertThat(dsn).contains("multipart/report").contains("report-type=delivery-status");
        assertThat(dsn).containsIgnoringCase("Final-Recipient: rfc822; nobody@remote.test");
        // RFC 3464: Status is the bare RFC 3463 code, Diagnostic-Code the remote reply as it was
        assertThat(dsn).contains("Action: failed").containsPattern("(?m)^Status: 5\\.1\\.1\\r?$");
        assertThat(dsn).contains("Diagnostic-Code: smtp; 550 5.1.1 <nobody@remote.test>: Recipient address rejected");
    }

    private List<String> dsnsFor(String recipient) {
        return Imap.messages(server.port(143), "alice@example.test", "alice-secret", "INBOX").stream()
            .filter(raw -> raw.contains("multipart/report") && raw.contains(recipient))
            .toList();
    }

    private Reply submit(String recipient, String subject) {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("laptop.example.test");
            client.startTls();
            client.ehlo("laptop.example.test");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
            return client.send("alice@example.test", List.of(recipient),
                SmtpClient.message("alice@example.test", recipient, subject, "body of " + subject));
        }
    }
}
