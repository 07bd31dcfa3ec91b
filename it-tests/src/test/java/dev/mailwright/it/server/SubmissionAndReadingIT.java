package dev.mailwright.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.TestServer;

/** Our users submit mail on 587 and 465 and read it over IMAP; passwords never travel in clear text. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubmissionAndReadingIT {
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        dns = DnsServer.start();
        server = TestServer.create(directory, dns).start();
        server.admin()
            .addDomain("example.test")
            .addUser("alice@example.test", "alice-secret")
            .addUser("bob@example.test", "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    @Test
    void aliceSubmitsOn587WithStartTlsAndAuthAndBobReadsItOverImap() throws Exception {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", "127.0.0.1");
        properties.put("mail.smtp.port", String.valueOf(server.port(587)));
        properties.put("mail.smtp.auth", "true");
        properties.put("mail.smtp.starttls.enable", "true");
        properties.put("mail.smtp.starttls.required", "true");
        properties.put("mail.smtp.ssl.trust", "*");
        Session session = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@example.test"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("bob@example.test"));
        message.setSubject("Lunch on Friday");
        message.setText("Shall we meet at noon?");
        Transport.send(message, "alice@example.test", "alice-secret");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .anySatisfy(raw -> assertThat(raw).contains("Subject: Lunch on Friday").contains("Shall we meet at noon?")));
    }

    @Test
    void implicitTlsSubmissionOn465Works() {
        try (SmtpClient client = SmtpClient.connectTls(server.port(465))) {
            assertThat(client.isEncrypted()).isTrue();
            assertThat(client.ehlo("client.example.test").text()).contains("AUTH");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
            Reply reply = client.send("alice@example.test", List.of("bob@example.test"),
                SmtpClient.message("alice@example.test", "bob@example.test", "Over 465", "implicit TLS"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(Imap.messages(server.port(143), "bob@example.test", "bob-secret", "INBOX"))
                .anySatisfy(raw -> assertThat(raw).contains("Subject: Over 465")));
    }

    @Test
    void authBeforeStartTlsIsRefusedOnSubmission() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            Reply ehlo = client.ehlo("client.example.test");
            assertThat(ehlo.text()).contains("STARTTLS").doesNotContain("AUTH");
            Reply auth = client.authPlain("alice@example.test", "alice-secret");
            assertThat(auth.code()).isEqualTo(538);
            assertThat(auth.text()).contains("5.7.11");
            assertThat(client.mailFrom("alice@example.test").code()).as("no transaction without AUTH").isEqualTo(530);
        }
    }

    @Test
    void authIsRefusedOnTheMxPortBeforeTls() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            assertThat(client.ehlo("client.example.test").text()).contains("STARTTLS").doesNotContain("AUTH");
            Reply auth = client.authPlain("alice@example.test", "alice-secret");
            assertThat(auth.code()).isEqualTo(503);
            assertThat(auth.text()).contains("5.5.1");
        }
    }

    @Test
    void authAfterStartTlsWorksOnSubmission() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("client.example.test");
            assertThat(client.startTls().code()).isEqualTo(220);
            assertThat(client.ehlo("client.example.test").text()).contains("AUTH");
            assertThat(client.authPlain("alice@example.test", "wrong").code()).isEqualTo(535);
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
        }
    }

    @Test
    void submissionWithoutAuthIsRefusedEvenForLocalRecipients() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("client.example.test");
            client.startTls();
            client.ehlo("client.example.test");
            Reply reply = client.mailFrom("alice@example.test");
            assertThat(reply.code()).isEqualTo(530);
            assertThat(reply.text()).contains("5.7.0");
        }
    }

    @Test
    void anAuthenticatedUserCannotSendAsSomeoneElse() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("client.example.test");
            client.startTls();
            client.ehlo("client.example.test");
            assertThat(client.authPlain("alice@example.test", "alice-secret").code()).isEqualTo(235);
            Reply reply = client.mailFrom("bob@example.test");
            assertThat(reply.code()).isBetween(500, 599);
            assertThat(reply.text()).contains("5.7.1");
        }
    }

    @Test
    void healthAndPrometheusMetricsAreServedOnWebAdmin() {
        assertThat(server.admin().healthcheck().path("status").asText()).isEqualTo("healthy");
        assertThat(server.admin().metrics()).contains("# TYPE").contains("jvm_")
            .contains("mailQueueSize:spool").contains("enqueuedMail:spool");
    }

    @Test
    void imapRefusesLoginBeforeStartTls() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port(143))) {
            socket.setSoTimeout(10_000);
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                java.nio.charset.StandardCharsets.US_ASCII));
            java.io.OutputStream out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("* OK");
            out.write("a1 CAPABILITY\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String capabilities = in.readLine();
            assertThat(capabilities).contains("STARTTLS").contains("LOGINDISABLED");
            assertThat(in.readLine()).startsWith("a1 OK");
            out.write("a2 LOGIN bob@example.test bob-secret\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("a2 NO");
        }
    }
}
