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

/**
 * Port 25 as the internet sees it: a client from 127.0.0.9 (outside the trusted loopback 127.0.0.1). What the
 * server will not take is refused during the dialogue, so nothing is ever bounced to a (possibly forged) sender.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundMxIT {
    DnsServer dns;
    TestServer server;
    FakeMx senderDomainMx;

    @BeforeAll
    void start(@TempDir Path directory) {
        senderDomainMx = FakeMx.start("127.0.0.22");
        dns = DnsServer.start()
            .mx("sender.test", 10, "mx.sender.test")
            .a("mx.sender.test", senderDomainMx.address());
        server = TestServer.create(directory, dns).start();
        server.admin()
            .addDomain("example.test")
            .addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        senderDomainMx.close();
        dns.close();
    }

    @Test
    void offersStartTlsButNoAuth() {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            assertThat(client.greeting().text()).startsWith("220 " + TestServer.HOSTNAME);
            Reply ehlo = client.ehlo("mx.sender.test");
            assertThat(ehlo.text()).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(client.startTls().code()).isEqualTo(220);
            assertThat(client.ehlo("mx.sender.test").text()).doesNotContain("AUTH");
        }
    }

    @Test
    void authIsRefusedEvenAfterStartTlsSoAPasswordCannotRelayWithAForgedSender() {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("laptop");
            assertThat(client.startTls().code()).isEqualTo(220);
            client.ehlo("laptop");
            Reply auth = client.authPlain("bob@example.test", "bob-secret");
            assertThat(auth.code()).as(auth.text()).isEqualTo(503);
            assertThat(auth.text()).contains("5.5.1").contains("587");
            assertThat(client.mailFrom("president@whitehouse.example").code()).isEqualTo(250);
            Reply relay = client.rcptTo("victim@elsewhere.test");
            assertThat(relay.code()).as(relay.text()).isEqualTo(550);
            assertThat(relay.text()).contains("5.7.1");
        }
    }

    @Test
    void mailForALocalUserIsAcceptedAndDelivered() {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("mx.sender.test");
            Reply reply = client.send("someone@sender.test", List.of("bob@example.test"),
                SmtpClient.message("someone@sender.test", "bob@example.test", "Hello from outside", "inbound"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .anySatisfy(raw -> assertThat(raw).contains("Subject: Hello from outside")));
    }

    @Test
    void unknownLocalUserIsRefusedAtRcptAndNothingIsBounced() {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("mx.sender.test");
            assertThat(client.mailFrom("someone@sender.test").code()).isEqualTo(250);
            Reply reply = client.rcptTo("nobody@example.test");
            assertThat(reply.code()).isEqualTo(550);
            assertThat(reply.text()).contains("5.1.1");
            assertThat(client.data("Subject: x\r\n\r\nx").code()).as("no valid recipient, no message").isBetween(500, 599);
        }
        assertNothingBouncedOrQueued();
    }

    @Test
    void relayingToAnotherDomainIsRefusedAtRcptAndNothingIsBounced() {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("mx.sender.test");
            assertThat(client.mailFrom("someone@sender.test").code()).isEqualTo(250);
            Reply reply = client.rcptTo("victim@elsewhere.test");
            assertThat(reply.code()).isEqualTo(550);
            assertThat(reply.text()).contains("5.7.1");
        }
        assertNothingBouncedOrQueued();
    }

    private void assertNothingBouncedOrQueued() {
        // a bounce would be queued for remote delivery to sender.test within a second or two: watch for ten
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(15)).until(() ->
            senderDomainMx.received().isEmpty() && server.admin().queueSize("outgoing") == 0);
        assertThat(server.admin().repositorySize("jpa://var/mail/relay-denied/")).isZero();
        assertThat(server.admin().repositorySize("jpa://var/mail/address-error/")).isZero();
    }
}
