package dev.mailwright.it.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.FaultMailets;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.ImapConnection;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * A mail that got {@code 250} is never lost, and one bad mail never stops the others: a deeply nested MIME message
 * is refused at DATA ({@code 554 5.6.0}); a 100-level one is delivered and readable over IMAP; a mail whose
 * processing throws {@code StackOverflowError} goes to the error repository while the next mail is delivered; a
 * mail stuck in processing when the server stops is delivered after the restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonMailIT {
    private static final String ERRORS = "jpa://var/mail/error/";
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns);
        server.edit("mailetcontainer.xml", "<processor state=\"root\" enableJmx=\"false\">", Matcher.quoteReplacement(
            "<processor state=\"root\" enableJmx=\"false\">"
                + "<mailet match=\"HasHeader=X-Test-Overflow\" class=\"dev.mailwright.it.support.FaultMailets$Overflowing\"/>"
                + "<mailet match=\"HasHeader=X-Test-Block\" class=\"dev.mailwright.it.support.FaultMailets$Blocking\"/>"));
        server.start();
        server.admin().addDomain("example.test").addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        FaultMailets.release.countDown();
        server.close();
        dns.close();
    }

    private Reply send(String message) {
        try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
            client.ehlo("mx.outside.test");
            return client.send("someone@outside.test", List.of("bob@example.test"), message);
        }
    }

    private List<String> inbox() {
        return Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX");
    }

    @Test
    @Order(1)
    void aMessageNested3000LevelsDeepIsRefusedAtData() {
        Reply reply = send(nested(3000, "deep"));

        assertThat(reply.code()).as(reply.text()).isEqualTo(554);
        assertThat(reply.text()).contains("5.6.0 Message structure too complex");
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    @Test
    @Order(1)
    void aBareCarriageReturnInDataIsRefused() {
        for (String smuggled : List.of("\r.\r\n", "\r\n.\r", "\r.\r")) {
            try (SmtpClient client = SmtpClient.connectFrom(SmtpClient.OUTSIDE, server.port(25))) {
                client.ehlo("mx.outside.test");
                assertThat(client.mailFrom("someone@outside.test").code()).isEqualTo(250);
                assertThat(client.rcptTo("bob@example.test").code()).isEqualTo(250);
                assertThat(client.command("DATA").code()).isEqualTo(354);
                client.write("Subject: smuggling\r\n\r\nfirst" + smuggled + "MAIL FROM:<x@outside.test>\r\nsecond\r\n.\r\n");
                Reply reply = client.readReply();
                assertThat(reply.text()).as("bare CR as %s", smuggled.replace("\r", "CR").replace("\n", "LF"))
                    .startsWith("554 5.6.0");
                assertThat(client.command("NOOP").code()).as("one answer per DATA").isEqualTo(250);
            }
        }
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    @Test
    @Order(2)
    void aMessageNested100LevelsIsDeliveredAndItsStructureReadable() {
        assertThat(send(nested(100, "hundred levels")).code()).isEqualTo(250);
        await().atMost(Duration.ofSeconds(30)).until(() -> inbox().stream().anyMatch(raw -> raw.contains("Subject: hundred levels")));

        try (ImapConnection imap = ImapConnection.connect("127.0.0.1", server.port(143)).startTls()) {
            assertThat(imap.command("a1 LOGIN bob@example.test bob-secret")).last().asString().startsWith("a1 OK");
            assertThat(imap.command("a2 SELECT INBOX")).last().asString().startsWith("a2 OK");
            List<String> structure = imap.command("a3 UID SEARCH SUBJECT \"hundred levels\"");
            String uid = structure.get(0).replace("* SEARCH ", "").strip();
            List<String> fetched = imap.command("a4 UID FETCH " + uid + " BODYSTRUCTURE");
            assertThat(fetched).last().asString().startsWith("a4 OK");
            assertThat(String.join("\n", fetched)).contains("BODYSTRUCTURE");
        }
    }

    @Test
    @Order(3)
    void aMailThatOverflowsTheStackIsKeptAndTheNextOneDelivered() {
        long errorsBefore = server.admin().repositorySize(ERRORS);
        assertThat(send("X-Test-Overflow: yes\r\nSubject: poison\r\n\r\npoison\r\n").code()).isEqualTo(250);
        assertThat(send(SmtpClient.message("someone@outside.test", "bob@example.test", "after the poison", "clean")).code()).isEqualTo(250);

        await().atMost(Duration.ofSeconds(30)).until(() -> inbox().stream().anyMatch(raw -> raw.contains("Subject: after the poison")));
        await().atMost(Duration.ofSeconds(30)).until(() -> server.admin().repositorySize(ERRORS) == errorsBefore + 1);
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    @Test
    @Order(4)
    void aMailStuckInProcessingWhenTheServerStopsIsDeliveredAfterTheRestart() {
        FaultMailets.release = new CountDownLatch(1);
        assertThat(send("X-Test-Block: yes\r\nSubject: stuck at stop\r\n\r\nstuck\r\n").code()).isEqualTo(250);
        await().atMost(Duration.ofSeconds(10)).until(() -> server.admin().queueSize("spool") == 1);

        server.stop();
        // the stuck worker of the stopped server goes on now, against stopped components: it must not count
        FaultMailets.release.countDown();
        server.edit("mailetcontainer.xml", "<mailet match=\"HasHeader=X-Test-Block\"[^>]*/>", "");
        server.start();

        await().atMost(Duration.ofSeconds(60)).until(() -> inbox().stream().filter(raw -> raw.contains("Subject: stuck at stop")).count() == 1);
        assertThat(server.admin().queueSize("spool")).isZero();
    }

    /** A message whose single text part sits {@code depth} multiparts deep. */
    static String nested(int depth, String subject) {
        StringBuilder message = new StringBuilder("From: someone@outside.test\r\nSubject: " + subject + "\r\nMIME-Version: 1.0\r\n");
        message.append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n");
        for (int level = 1; level < depth; level++) {
            message.append("--b").append(level).append("\r\nContent-Type: multipart/mixed; boundary=\"b").append(level + 1).append("\"\r\n\r\n");
        }
        message.append("--b").append(depth).append("\r\nContent-Type: text/plain\r\n\r\nhello\r\n");
        for (int level = depth; level >= 1; level--) {
            message.append("--b").append(level).append("--\r\n");
        }
        return message.toString();
    }
}
