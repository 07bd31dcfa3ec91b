package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.ImapConnection;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * Connection slots and timeouts answer instead of dropping the line: the connection over a client's limit gets
 * {@code 421 4.7.0} (and the count is exact: closing one frees one), a full server keeps its reserve for clients that
 * delivered mail before, an idle client gets {@code 421 4.4.2} after the configured time (not twice that), an
 * over-long line gets one answer, and IMAP says {@code * BYE} for its limits and to clients that never log in.
 * The limits are lowered here so that the test stays small; the shipped values are in {@code conf/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns)
            .edit("smtpserver.xml", "<connectionLimit>500</connectionLimit>", "<connectionLimit>12</connectionLimit>")
            .edit("smtpserver.xml", "<connectionLimitPerIP>20</connectionLimitPerIP>", "<connectionLimitPerIP>5</connectionLimitPerIP>")
            .edit("smtpserver.xml", "<connectionReserve>50</connectionReserve>", "<connectionReserve>2</connectionReserve>")
            .edit("smtpserver.xml", "<connectiontimeout>300</connectiontimeout>", "<connectiontimeout>3</connectiontimeout>")
            .edit("smtpserver.xml", "<stressThreshold>80</stressThreshold>", "<stressThreshold>100</stressThreshold>")
            .edit("smtpserver.xml", "<maxLineLength>65536</maxLineLength>", "<maxLineLength>2000</maxLineLength>")
            .edit("imapserver.xml", "<connectionLimitPerIP>50</connectionLimitPerIP>", "<connectionLimitPerIP>3</connectionLimitPerIP>")
            .edit("imapserver.xml", "<loginTimeout>60 seconds</loginTimeout>", "<loginTimeout>3 seconds</loginTimeout>")
            .start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    @Test
    void theConnectionOverTheLimitPerClientIsAnsweredAndTheCountIsExact() {
        List<SmtpClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                SmtpClient client = SmtpClient.connectFrom("127.0.0.41", server.port(25));
                assertThat(client.greeting().code()).isEqualTo(220);
                open.add(client);
            }
            try (SmtpClient sixth = SmtpClient.connectFrom("127.0.0.41", server.port(25))) {
                assertThat(sixth.greeting().text()).startsWith("421 4.7.0").contains("too many connections from your address (limit 5)");
            }
            open.remove(0).close();
            awaitGreeting("127.0.0.41", 220);
        } finally {
            open.forEach(SmtpClient::close);
        }
    }

    @Test
    void aFullServerKeepsItsReserveForAClientThatDeliveredMailBefore() {
        String known = "127.0.0.50";
        try (SmtpClient client = SmtpClient.connectFrom(known, server.port(25))) {
            client.ehlo("mx.known.test");
            Reply reply = client.send("someone@known.test", List.of("bob@example.test"),
                SmtpClient.message("someone@known.test", "bob@example.test", "known", "known"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
        List<SmtpClient> flood = new ArrayList<>();
        try {
            // 12 slots, 2 in reserve: unknown clients get 10
            for (int i = 0; i < 10; i++) {
                SmtpClient client = SmtpClient.connectFrom("127.0.1." + (10 + i), server.port(25));
                assertThat(client.greeting().code()).as("unknown client " + i).isEqualTo(220);
                flood.add(client);
            }
            try (SmtpClient another = SmtpClient.connectFrom("127.0.1.99", server.port(25))) {
                assertThat(another.greeting().text()).startsWith("421 4.7.0").contains("server busy");
            }
            try (SmtpClient client = SmtpClient.connectFrom(known, server.port(25))) {
                assertThat(client.greeting().code()).isEqualTo(220);
            }
        } finally {
            flood.forEach(SmtpClient::close);
        }
    }

    @Test
    void anIdleClientIsToldAndDisconnectedAfterTheTimeout() {
        long start = System.nanoTime();
        try (SmtpClient client = SmtpClient.connectFrom("127.0.0.42", server.port(25))) {
            client.ehlo("idle.test");
            Reply reply = client.readReply();
            assertThat(reply.text()).startsWith("421 4.4.2").contains("timeout exceeded");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(6));
    }

    @Test
    void aClientThatStopsInsideDataIsDisconnectedToo() {
        try (SmtpClient client = SmtpClient.connectFrom("127.0.0.43", server.port(25))) {
            client.ehlo("slow.test");
            assertThat(client.mailFrom("someone@slow.test").code()).isEqualTo(250);
            assertThat(client.rcptTo("bob@example.test").code()).isEqualTo(250);
            assertThat(client.command("DATA").code()).isEqualTo(354);
            client.write("Subject: half a message\r\n");
            assertThat(client.readReply().text()).startsWith("421 4.4.2");
        }
    }

    @Test
    void anOverlongCommandLineGetsOneAnswerAndTheSessionGoesOn() {
        try (SmtpClient client = SmtpClient.connectFrom("127.0.0.44", server.port(25))) {
            client.ehlo("long.test");
            Reply reply = client.command("NOOP " + "x".repeat(5000));
            assertThat(reply.text()).startsWith("500 5.5.2 Line too long");
            assertThat(client.command("NOOP").code()).isEqualTo(250);
        }
    }

    @Test
    void anOverlongLineInDataRefusesTheMessageWithOneAnswer() {
        try (SmtpClient client = SmtpClient.connectFrom("127.0.0.45", server.port(25))) {
            client.ehlo("long.test");
            Reply reply = client.send("someone@long.test", List.of("bob@example.test"),
                "Subject: long line\r\n\r\n" + "y".repeat(5000) + "\r\nend\r\n");
            assertThat(reply.text()).startsWith("554 5.6.0");
            assertThat(client.readReply()).as("no second answer, the connection is closed").isNull();
        }
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    @Test
    void imapAnswersItsLimitPerClientAndTheLoginTimeout() {
        List<ImapConnection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                ImapConnection imap = ImapConnection.connect("127.0.0.46", server.port(143));
                assertThat(imap.greeting()).startsWith("* OK");
                open.add(imap);
            }
            try (ImapConnection fourth = ImapConnection.connect("127.0.0.46", server.port(143))) {
                assertThat(fourth.greeting()).startsWith("* BYE Too many connections from your address");
            }
            // the three silent ones are told within the login timeout (3 s) and disconnected
            for (ImapConnection imap : open) {
                assertThat(imap.readLine()).startsWith("* BYE Autologout");
                assertThat(imap.closedByServer(5_000)).isTrue();
            }
        } finally {
            open.forEach(ImapConnection::close);
        }
    }

    @Test
    void theLoginTimeoutEndsWithTheLogin() throws Exception {
        try (ImapConnection imap = ImapConnection.connect("127.0.0.47", server.port(143)).startTls()) {
            assertThat(imap.command("a1 LOGIN bob@example.test bob-secret")).last().asString().startsWith("a1 OK");
            Thread.sleep(4_500);
            assertThat(imap.command("a2 NOOP")).last().asString().startsWith("a2 OK");
        }
    }

    private void awaitGreeting(String address, int code) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try (SmtpClient client = SmtpClient.connectFrom(address, server.port(25))) {
                if (client.greeting().code() == code || System.nanoTime() > deadline) {
                    assertThat(client.greeting().code()).isEqualTo(code);
                    return;
                }
            }
        }
    }
}
