package dev.mailwright.it.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * Rate limits and AUTH abuse protection as shipped, with test-sized limits: 10 messages and 5 connections per client
 * and minute on port 25, 3 failed AUTH on submission. Clients: 127.0.0.45 (messages), 127.0.0.46 (connections),
 * 127.0.0.47 (password guessing), 127.0.0.48 (an innocent neighbour).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RateLimitIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns);
        AcceptanceConf.set(server, "messagesPerClient", "10/1m");
        AcceptanceConf.set(server, "connectionsPerClient", "5/1m");
        AcceptanceConf.set(server, "maxFailures", "3");
        AcceptanceConf.set(server, "failureDelay", "1 second");
        server.start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    @Test
    void theEleventhMessageOverALimitOfTenGets451SayingWhenToRetry() {
        try (SmtpClient smtp = SmtpClient.connectFrom("127.0.0.45", server.port(25))) {
            smtp.ehlo("mx.bulk.test");
            for (int i = 1; i <= 10; i++) {
                Reply reply = smtp.send("news@bulk.test", List.of("bob@example.test"),
                    SmtpClient.message("news@bulk.test", "bob@example.test", "issue " + i, "bulk"));
                assertThat(reply.code()).as("message %d: %s", i, reply.text()).isEqualTo(250);
            }

            Reply eleventh = smtp.mailFrom("news@bulk.test");

            assertThat(eleventh.code()).isEqualTo(451);
            assertThat(eleventh.text()).matches("451 4\\.7\\.1 Too many messages from 127\\.0\\.0\\.45 \\(limit 10 per 1 minute\\), "
                + "try again in \\d+ seconds");
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> server.admin().messageCount("bob@example.test", "INBOX") == 10);
    }

    @Test
    void connectionsOverTheLimitAreGreetedWith421AndClosed() {
        for (int i = 1; i <= 5; i++) {
            try (SmtpClient smtp = SmtpClient.connectFrom("127.0.0.46", server.port(25))) {
                assertThat(smtp.greeting().code()).as("connection %d", i).isEqualTo(220);
            }
        }
        try (SmtpClient smtp = SmtpClient.connectFrom("127.0.0.46", server.port(25))) {
            assertThat(smtp.greeting().text()).matches("421 4\\.7\\.0 Too many connections from 127\\.0\\.0\\.46 "
                + "\\(limit 5 per 1 minute\\), try again in \\d+ seconds");
            assertThatThrownBy(() -> smtp.ehlo("mx.bulk.test")).isInstanceOf(UncheckedIOException.class);
        }
        try (SmtpClient other = SmtpClient.connectFrom("127.0.0.48", server.port(25))) {
            assertThat(other.greeting().code()).as("another client").isEqualTo(220);
        }
    }

    @Test
    void repeatedBadPasswordsLockAuthForThatAddress() {
        for (int i = 1; i <= 3; i++) {
            try (SmtpClient smtp = SmtpClient.connectFrom("127.0.0.47", server.port(587))) {
                smtp.ehlo("laptop");
                smtp.startTls();
                smtp.ehlo("laptop");
                long started = System.nanoTime();
                Reply reply = smtp.authPlain("bob@example.test", "guess-" + i);
                assertThat(reply.code()).as("attempt %d: %s", i, reply.text()).isEqualTo(535);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("each failure is answered late")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
        }

        try (SmtpClient smtp = SmtpClient.connectFrom("127.0.0.47", server.port(587))) {
            smtp.ehlo("laptop");
            smtp.startTls();
            smtp.ehlo("laptop");
            Reply locked = smtp.authPlain("bob@example.test", "bob-secret");

            assertThat(locked.text()).matches("421 4\\.7\\.0 Too many failed authentication attempts from 127\\.0\\.0\\.47, "
                + "try again in \\d+ seconds");
            assertThatThrownBy(smtp::quit).as("connection closed").isInstanceOf(UncheckedIOException.class);
        }
        try (SmtpClient neighbour = SmtpClient.connectFrom("127.0.0.48", server.port(587))) {
            neighbour.ehlo("laptop");
            neighbour.startTls();
            neighbour.ehlo("laptop");
            assertThat(neighbour.authPlain("bob@example.test", "bob-secret").code()).as("another address").isEqualTo(235);
        }
    }
}
