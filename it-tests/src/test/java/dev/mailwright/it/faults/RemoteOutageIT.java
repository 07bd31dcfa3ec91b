package dev.mailwright.it.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * The remote MX is down (connections refused) for longer than the first retries and the delay warning, then comes
 * back: every queued message is delivered exactly once, each sender gets one delay notice per message, and no
 * failure DSN. The production schedule (5 min, 10 min... delay notice after 4 h) is shortened by configuration:
 * retries every 2 s, delay notice after 4 s, outage 20 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteOutageIT {
    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final String MX_ADDRESS = "127.0.0.91";
    private static final int MESSAGES = 20;
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    DnsServer dns;
    TestServer server;
    FakeMx mx;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        dns.mx("outage.test", 10, "mx.outage.test").a("mx.outage.test", MX_ADDRESS);
        server = TestServer.create(directory, dns)
            .fastRetries("2s", 60)
            .outboundParameter("delayWarning", "4s")
            .outboundParameter("connectTimeout", "2s")
            .start();
        server.admin().addDomain("example.test").addUser(ALICE, PASSWORD);
    }

    @AfterAll
    void stop() {
        server.close();
        if (mx != null) {
            mx.close();
        }
        dns.close();
    }

    @Test
    void mailQueuedDuringAnOutageIsDeliveredOnceWithOneDelayNoticeEachAndNoDsn() throws Exception {
        long start = System.nanoTime();
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("laptop.example.test");
            for (int i = 0; i < MESSAGES; i++) {
                Reply reply = client.send(ALICE, List.of("carol@outage.test"),
                    SmtpClient.message(ALICE, "carol@outage.test", "outage-" + i, "queued while the MX is down"));
                assertThat(reply.code()).as(reply.text()).isEqualTo(250);
            }
        }
        Thread.sleep(Math.max(0, OUTAGE.toMillis() - Duration.ofNanos(System.nanoTime() - start).toMillis()));
        assertThat(server.admin().queueSize("outgoing")).as("all waiting in the outgoing queue").isEqualTo(MESSAGES);

        mx = FakeMx.start(MX_ADDRESS);
        long back = System.nanoTime();
        long deadline = back + Duration.ofSeconds(90).toNanos();
        while (mx.receivedWith("Subject: outage-").size() < MESSAGES && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        Duration catchUp = Duration.ofNanos(System.nanoTime() - back);
        Thread.sleep(5_000); // anything delivered twice would show up now

        Map<String, Integer> copies = new TreeMap<>();
        mx.received().forEach(mail -> mail.data().lines().filter(line -> line.startsWith("Subject: outage-"))
            .forEach(line -> copies.merge(line.substring("Subject: ".length()), 1, Integer::sum)));
        List<String> inbox = Imap.messages(server.port(143), ALICE, PASSWORD, "INBOX");
        List<String> delayNotices = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String raw : inbox) {
            if (raw.contains("report-type=delivery-status")) {
                (raw.contains("Action: delayed") ? delayNotices : failures).add(raw);
            }
        }
        Map<String, Integer> noticesPerMessage = new TreeMap<>();
        for (String notice : delayNotices) {
            for (int i = 0; i < MESSAGES; i++) {
                if (notice.contains("Subject: outage-" + i + "\r\n")) {
                    noticesPerMessage.merge("outage-" + i, 1, Integer::sum);
                }
            }
        }
        System.out.println("RemoteOutageIT " + MESSAGES + " queued, MX down " + OUTAGE.toSeconds() + " s, all delivered "
            + catchUp.toMillis() + " ms after it came back; copies at the MX " + copies.values().stream().mapToInt(Integer::intValue).sum()
            + " (" + copies.size() + " distinct), delay notices " + delayNotices.size() + ", failure DSNs " + failures.size());
        assertThat(copies).hasSize(MESSAGES).allSatisfy((subject, count) -> assertThat(count).as(subject).isEqualTo(1));
        assertThat(noticesPerMessage).hasSize(MESSAGES).allSatisfy((subject, count) -> assertThat(count).as(subject).isEqualTo(1));
        assertThat(delayNotices).hasSize(MESSAGES);
        assertThat(failures).isEmpty();
        assertThat(server.admin().queueSize("outgoing")).isZero();
    }
}
