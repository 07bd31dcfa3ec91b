package dev.mailwright.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Messages the fuzzers found to break a parser, sent over SMTP: each gets one precise answer, and a message that
 * was accepted is delivered or kept, never retried forever.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedMessageIT {
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
    void aHeaderBlockThatStartsWithAContinuationLine() {
        // found by AuthenticationResultsFuzzTest: javax.mail's header parser throws IndexOutOfBoundsException
        String message = " \r\n \r\nSubject: folded into nothing\r\n\r\nbody\r\n";
        for (String client : List.of(SmtpClient.OUTSIDE, "127.0.0.1")) {
            try (SmtpClient smtp = SmtpClient.connectFrom(client, server.port(25))) {
                smtp.ehlo("mx.sender.test");
                Reply reply = smtp.send("someone@sender.test", List.of("bob@example.test"), message);
                System.out.println("MalformedMessageIT from " + client + ": " + reply);
                assertThat(reply.code()).as(reply.text()).isIn(250, 554);
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (server.admin().queueSize("spool") > 0 && System.nanoTime() < deadline) {
            sleep(500);
        }
        System.out.println("MalformedMessageIT spool " + server.admin().queueSize("spool") + ", error repository "
            + server.admin().repositorySize("jpa://var/mail/error/") + ", INBOX " + server.admin().messageCount("bob@example.test", "INBOX"));
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
