package dev.mailwright.it.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.FreePorts;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * A spam filter that does not answer in time: an HTTP server standing in for rspamd that holds every request for
 * 8 seconds, against a deadline of 1 second. Port 25 (onFailure accept): the mail is accepted within the deadline
 * with a header saying it was not scanned; the next one at once (the filter is paused after a failure); submission
 * configured with onFailure tempfail: 451; the health check: degraded. No rspamd or clamd needed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilterOutageIT {
    static final String BOB = "bob@example.test";

    HttpServer stuckRspamd;
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        stuckRspamd = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.next()), 50);
        stuckRspamd.setExecutor(Executors.newCachedThreadPool());
        stuckRspamd.createContext("/", exchange -> {
            try {
                Thread.sleep(8_000);
                exchange.sendResponseHeaders(200, -1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        stuckRspamd.start();
        dns = DnsServer.start();
        server = TestServer.create(directory.resolve("server"), dns)
            .contentFilters("http://127.0.0.1:" + stuckRspamd.getAddress().getPort(), "", "")
            .edit("smtpserver.xml", "<timeout>5 seconds</timeout>", "<timeout>1 second</timeout>")
            .edit("smtpserver.xml", "<onFailure>accept</onFailure>(\\s*)<submissionAction>", "<onFailure>tempfail</onFailure>$1<submissionAction>")
            .start();
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
        if (stuckRspamd != null) {
            stuckRspamd.stop(0);
        }
    }

    private Reply sendFromOutside(String subject) {
        try (SmtpClient smtp = SmtpClient.connectFrom("127.0.0.56", server.port(25))) {
            smtp.ehlo("mx.other.test");
            return smtp.send("news@other.test", List.of(BOB), "From: <news@other.test>\r\nTo: <" + BOB + ">\r\nSubject: " + subject
                + "\r\nMessage-ID: <" + System.nanoTime() + "@other.test>\r\n\r\nHello\r\n");
        }
    }

    @Test
    @Order(1)
    void aStuckFilterCostsAtMostItsDeadlineAndTheMailIsDeliveredUnscanned() {
        long start = System.nanoTime();
        Reply reply = sendFromOutside("while rspamd hangs");
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("end of DATA with a stuck rspamd: " + reply.text() + " after " + took.toMillis() + " ms");

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        assertThat(took).isLessThan(Duration.ofSeconds(4));
        String delivered = await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
            () -> Imap.messages(server.port(143), BOB, "bob-secret", "INBOX").stream()
                .filter(raw -> raw.contains("while rspamd hangs")).findFirst().orElse(null), raw -> raw != null);
        assertThat(delivered).containsPattern("X-Mailwright-Scan: rspamd=not-scanned; reason=\"rspamd http://127\\.0\\.0\\.1:\\d+: no answer within 1000 ms\"");
    }

    @Test
    @Order(2)
    void afterAFailureTheFilterIsNotAskedForAWhile() {
        long start = System.nanoTime();
        Reply reply = sendFromOutside("right after");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(reply.code()).isEqualTo(250);
        assertThat(took).as("no second wait for the deadline").isLessThan(Duration.ofMillis(900));
    }

    @Test
    @Order(3)
    void withOnFailureTempfailTheClientIsToldToRetry() {
        try (SmtpClient smtp = SmtpClient.connect(server.port(587))) {
            smtp.ehlo("laptop");
            smtp.startTls();
            smtp.ehlo("laptop");
            assertThat(smtp.authPlain(BOB, "bob-secret").code()).isEqualTo(235);

            Reply reply = smtp.send(BOB, List.of(BOB), "From: <" + BOB + ">\r\nTo: <" + BOB + ">\r\nSubject: note\r\n\r\nHello\r\n");

            assertThat(reply.text()).isEqualTo("451 4.7.1 The message could not be scanned for spam, please try again later");
        }
    }

    @Test
    @Order(4)
    void theHealthCheckSaysDegraded() {
        assertThat(server.admin().healthcheck().path("status").asText()).isEqualTo("degraded");
    }
}
