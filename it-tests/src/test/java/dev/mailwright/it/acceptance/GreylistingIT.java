package dev.mailwright.it.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * Greylisting as shipped (commented out in conf/smtpserver.xml), switched on with a 3-second delay: the first attempt
 * of a triplet gets 451 until the delay has passed, then the retry is accepted and delivered; the state is in the
 * database, so it survives a restart. The client is 127.0.0.44.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GreylistingIT {
    static final String MTA = "127.0.0.44";
    static final Duration DELAY = Duration.ofSeconds(3);

    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns);
        AcceptanceConf.enableGreylisting(server, DELAY.toSeconds() + " seconds");
        server.start();
        server.admin().addDomain("example.test")
            .addUser("bob@example.test", "bob-secret")
            .addUser("carol@example.test", "carol-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    private Reply rcpt(String sender, String recipient) {
        try (SmtpClient smtp = SmtpClient.connectFrom(MTA, server.port(25))) {
            smtp.ehlo("mx.sender.test");
            smtp.mailFrom(sender);
            return smtp.rcptTo(recipient);
        }
    }

    private Reply send(String sender, String recipient, String subject) {
        try (SmtpClient smtp = SmtpClient.connectFrom(MTA, server.port(25))) {
            smtp.ehlo("mx.sender.test");
            return smtp.send(sender, List.of(recipient), SmtpClient.message(sender, recipient, subject, "greylisting test"));
        }
    }

    @Test
    void aFirstAttemptIsDeferredAndTheRetryAfterTheDelayDelivered() {
        Reply first = rcpt("news@sender.test", "bob@example.test");
        assertThat(first.code()).isEqualTo(451);
        assertThat(first.text()).matches("451 4\\.7\\.1 Greylisted, please try again in [1-3] seconds");

        // the retries before the delay keep getting 451; the first one after it is accepted
        await().atLeast(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
            .until(() -> send("news@sender.test", "bob@example.test", "greylisted then accepted").code() == 250);

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .anySatisfy(raw -> assertThat(raw).contains("Subject: greylisted then accepted")));
        assertThat(rcpt("news@sender.test", "bob@example.test").code()).as("known triplet").isEqualTo(250);
    }

    @Test
    void theGreylistSurvivesARestart() {
        Reply first = rcpt("alerts@monitoring.test", "carol@example.test");
        assertThat(first.code()).isEqualTo(451);
        Instant firstAttempt = Instant.now();

        server.restart();
        await().atMost(DELAY.plusSeconds(5)).until(() -> Duration.between(firstAttempt, Instant.now()).compareTo(DELAY) > 0);

        // one retry after the delay is accepted: the first attempt was remembered (had it been forgotten, this
        // attempt would be a first one again and get 451 for the whole delay)
        Reply retry = send("alerts@monitoring.test", "carol@example.test", "after restart");
        assertThat(retry.code()).as(retry.text()).isEqualTo(250);
        assertThat(rcpt("someone.new@monitoring.test", "carol@example.test").code()).as("a new triplet is still greylisted")
            .isEqualTo(451);
        await().atMost(Duration.ofSeconds(30)).until(() -> server.admin().messageCount("carol@example.test", "INBOX") == 1);
    }
}
