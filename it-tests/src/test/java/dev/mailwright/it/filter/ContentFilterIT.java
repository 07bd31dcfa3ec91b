package dev.mailwright.it.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mailwright.it.support.Commands;
import dev.mailwright.it.support.ContentFilters;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * Spam and virus filtering with the real rspamd 3.4 and clamd (Debian packages) started by
 * {@code docker/filters/start-local.sh}, the shipped configuration, and outside clients on port 25 (127.0.0.51) and
 * a user on submission: GTUBE refused with 550, EICAR with 554 naming it, rspamd's "add header" in Junk with the
 * X-Spam fields, a clean mail in the INBOX, Junk moves teaching rspamd, and rspamd down: mail accepted unscanned and
 * the health check degraded (last: it stops rspamd).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContentFilterIT {
    static final String MTA = "127.0.0.51";
    static final String BOB = "bob@example.test";
    static final String ALICE = "alice@example.test";
    /** GTUBE (reject) and rspamd's test variants, on with start-local.sh --offline: Y = add header, Z = rewrite subject. */
    static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final String GTUBE_ADD_HEADER = "YJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    ContentFilters filters;
    DnsServer dns;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        filters = ContentFilters.start(directory.resolve("filters"));
        dns = DnsServer.start().txt("other.test", "v=spf1 ip4:" + MTA + " ~all");
        server = TestServer.create(directory.resolve("server"), dns)
            .contentFilters(filters.rspamdUrl(), filters.controllerUrl(), filters.clamdAddress())
            .start();
        server.admin().addDomain("example.test").addUser(BOB, "bob-secret").addUser(ALICE, "alice-secret");
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
        if (filters != null) {
            filters.close();
        }
    }

    /**
     * Sends {@code message} with swaks from the outside address, as another organization's MTA would, and returns
     * swaks's transcript (printed too: the evidence of what a client sees).
     */
    private String swaks(String message) {
        Commands.Result result = Commands.run(List.of("swaks", "--server", "127.0.0.1:" + server.port(25), "--local-interface", MTA,
            "--ehlo", "mx.other.test", "--from", "news@other.test", "--to", BOB, "--data", "-", "--hide-informational"),
            java.util.Map.of(), message);
        System.out.println("swaks transcript (port 25, from " + MTA + "):\n" + result.output());
        return result.output();
    }

    private Reply sendFromOutside(String message) {
        try (SmtpClient smtp = SmtpClient.connectFrom(MTA, server.port(25))) {
            smtp.ehlo("mx.other.test");
            Reply reply = smtp.send("news@other.test", List.of(BOB), message);
            System.out.println("port 25, end of DATA: " + reply.text());
            return reply;
        }
    }

    private static String message(String subject, String body) {
        return "From: News <news@other.test>\r\nTo: Bob <" + BOB + ">\r\nSubject: " + subject + "\r\nMessage-ID: <" + System.nanoTime()
            + "@other.test>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            + body + "\r\n";
    }

    private static String prose(String topic) {
        return "Hello Bob,\r\n\r\nhere are the minutes of our meeting about " + topic + ". We agreed on the schedule, the budget\r\n"
            + "for the next quarter and the people who will prepare the report for the board in January.\r\n\r\nRegards,\r\nNews\r\n";
    }

    private String delivered(String folder, String subject) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
            () -> Imap.messages(server.port(143), BOB, "bob-secret", folder).stream()
                .filter(raw -> raw.contains("Subject: " + subject)).findFirst().orElse(null),
            raw -> raw != null);
    }

    @Test
    @Order(1)
    void gtubeIsRefusedWith550AndRspamdsReason() {
        String transcript = swaks(message("cheap pills", "Buy now!\r\n" + GTUBE));

        assertThat(transcript).contains("<** 550 5.7.1 Gtube pattern");
    }

    @Test
    @Order(2)
    void eicarAttachmentIsRefusedWith554NamingTheSignature() {
        String attachment = Base64.getMimeEncoder().encodeToString(EICAR.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String mail = "From: <news@other.test>\r\nTo: <" + BOB + ">\r\nSubject: invoice\r\nMessage-ID: <eicar@other.test>\r\n"
            + "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
            + "--b1\r\nContent-Type: text/plain\r\n\r\nPlease find the invoice attached.\r\n"
            + "--b1\r\nContent-Type: application/octet-stream; name=\"invoice.com\"\r\nContent-Transfer-Encoding: base64\r\n"
            + "Content-Disposition: attachment; filename=\"invoice.com\"\r\n\r\n" + attachment + "\r\n--b1--\r\n";

        String transcript = swaks(mail);

        assertThat(transcript).contains("<** 554 5.7.1 Message rejected: virus found: Mailwright.Test.EICAR.UNOFFICIAL");
    }

    @Test
    @Order(3)
    void addHeaderLandsInJunkWithTheSpamFields() {
        String transcript = swaks(message("special offer", "Limited offer!\r\n" + GTUBE_ADD_HEADER));

        assertThat(transcript).containsPattern("<-  250 2\\.6\\.0 Message received");
        String junk = delivered("Junk", "special offer");
        System.out.println("delivered into Junk:\n" + junk.substring(0, junk.indexOf("\r\n\r\n")));
        assertThat(junk).contains("X-Spam-Flag: YES").contains("X-Spam-Action: add header")
            .contains("X-Spam-Score: 6.00 / 15.00").contains("X-Spam-Symbols: GTUBE(")
            .contains("X-Mailwright-Scan: clamav=clean");
        assertThat(Imap.searchSubject(server.port(143), BOB, "bob-secret", "INBOX", "special offer")).isZero();
    }

    @Test
    @Order(4)
    void aCleanMessageIsDeliveredToTheInbox() {
        Reply reply = sendFromOutside(message("meeting minutes", prose("the new office")));

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        assertThat(delivered("INBOX", "meeting minutes")).contains("X-Spam-Flag: NO").contains("X-Spam-Action: no action")
            .contains("X-Mailwright-Scan: clamav=clean").doesNotContain("rspamd=not-scanned");
    }

    @Test
    @Order(5)
    void submissionIsScannedForOutgoingSpam() {
        try (SmtpClient smtp = SmtpClient.connect(server.port(587))) {
            smtp.ehlo("laptop");
            smtp.startTls();
            smtp.ehlo("laptop");
            assertThat(smtp.authPlain(ALICE, "alice-secret").code()).isEqualTo(235);

            Reply reply = smtp.send(ALICE, List.of("someone@elsewhere.test"), "From: <" + ALICE + ">\r\nTo: <someone@elsewhere.test>\r\n"
                + "Subject: win\r\nMessage-ID: <win@example.test>\r\nDate: Tue, 01 Dec 2026 10:00:00 +0000\r\n\r\n" + GTUBE + "\r\n");
            System.out.println("port 587, end of DATA: " + reply.text());

            assertThat(reply.code()).as(reply.text()).isEqualTo(550);
            assertThat(reply.text()).startsWith("550 5.7.1 Message rejected as spam (Gtube pattern)");
        }
    }

    @Test
    @Order(6)
    void movingIntoAndOutOfJunkTeachesRspamd() {
        sendFromOutside(message("learn spam", prose("a lottery you won")));
        sendFromOutside(message("learn ham", prose("the garden party")));
        delivered("INBOX", "learn spam");
        delivered("INBOX", "learn ham");
        long before = filters.stat().path("learned").asLong();

        assertThat(Imap.move(server.port(143), BOB, "bob-secret", "INBOX", "Junk", "learn spam")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> filters.stat().path("learned").asLong() == before + 1);

        Imap.move(server.port(143), BOB, "bob-secret", "INBOX", "Junk", "learn ham");
        await().atMost(Duration.ofSeconds(30)).until(() -> filters.stat().path("learned").asLong() == before + 2);
        assertThat(Imap.move(server.port(143), BOB, "bob-secret", "Junk", "INBOX", "learn ham")).isEqualTo(1);
        // moved back out of Junk: relearned as ham (rspamd counts a relearn as a learn)
        await().atMost(Duration.ofSeconds(30)).until(() -> filters.stat().path("learned").asLong() == before + 3);
    }

    @Test
    @Order(10)
    void rspamdDownMailIsAcceptedUnscannedAndTheHealthCheckSaysDegraded() {
        filters.stopRspamd();

        Reply reply = sendFromOutside(message("while rspamd is down", prose("the outage")));

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        assertThat(delivered("INBOX", "while rspamd is down")).contains("X-Mailwright-Scan: rspamd=not-scanned")
            .contains("X-Mailwright-Scan: clamav=clean");
        JsonNode health = server.admin().healthcheck();
        System.out.println("healthcheck: " + health);
        assertThat(health.path("status").asText()).isEqualTo("degraded");
        assertThat(health.toString()).contains("Content filters").contains("rspamd");
    }
}
