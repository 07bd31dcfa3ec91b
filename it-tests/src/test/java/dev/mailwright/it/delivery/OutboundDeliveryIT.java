package dev.mailwright.it.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.mail.BodyPart;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.FakeMx;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MtaStsServer;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestCertificates;
import dev.mailwright.it.support.TestServer;

/**
 * Mail leaving the server through our outbound delivery, against real SMTP/LMTP servers on loopback found through
 * DNS answers: MX order and fallback, IPv6, per-recipient replies, a retry through the queue, DSNs, TLS policy and
 * traces. One server for the whole class; retries every second, mails give up after 30 s. The retry, delay-notice and expiry decisions themselves are unit-tested
 * (RetryPolicyTest, DeliveryAttemptTest in mailets/).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundDeliveryIT {
    private static final String ALICE = "alice@example.test";
    private static final String PASSWORD = "alice-secret";
    private static final Duration WAIT = Duration.ofSeconds(60);

    DnsServer dns;
    TestServer server;
    FakeMx mx;
    FakeMx fallback;
    FakeMx ipv6;
    FakeMx silent;
    FakeMx tls;
    FakeMx brokenTls;
    FakeMx stsMx;
    FakeMx smarthost;
    FakeMx lmtp;
    MtaStsServer policyServer;
    final Map<String, AtomicInteger> greylisted = new ConcurrentHashMap<>();

    @BeforeAll
    void start(@TempDir Path directory) throws IOException {
        TestCertificates ca = TestCertificates.authority();
        Path trustStore = ca.writeTrustStore(directory.resolve("test-ca.p12"));
        Path credentials = directory.resolve("smarthost.credentials");
        Files.writeString(credentials, "relay-user\nrelay-password\n");

        mx = FakeMx.start("127.0.0.61")
            .rcptReply(rcpt -> {
                if (rcpt.startsWith("nobody@")) {
                    return "550 5.1.1 <" + rcpt + ">: Recipient address rejected: User unknown";
                }
                if (rcpt.startsWith("grey@") && greylisted.computeIfAbsent(rcpt, r -> new AtomicInteger()).getAndIncrement() == 0) {
                    return "451 4.7.1 <" + rcpt + ">: Greylisted, try again later";
                }
                return "250 2.1.5 OK";
            })
            .dataReply(rcpt -> rcpt.endsWith("@datafail.test") ? "554 5.6.0 Message content rejected" : "250 2.0.0 queued");
        fallback = FakeMx.start("127.0.0.63");
        ipv6 = FakeMx.start("::1");
        silent = FakeMx.start("127.0.0.65").silent();
        tls = FakeMx.start("127.0.0.66").starttls(ca.serverContext("mx.tls.test", "mx.sts-ok.test"));
        brokenTls = FakeMx.start("127.0.0.67").brokenStarttls();
        stsMx = FakeMx.start("127.0.0.68");
        smarthost = FakeMx.start("127.0.0.70", 587).starttls(ca.serverContext("relay.smarthost.test"))
            .requireAuth("relay-user", "relay-password");
        lmtp = FakeMx.start("127.0.0.71", 24).lmtp()
            .dataReply(rcpt -> rcpt.startsWith("full@") ? "552 5.2.2 <" + rcpt + ">: Mailbox full" : "250 2.0.0 delivered");
        policyServer = MtaStsServer.start("127.0.0.69", ca.serverContext("mta-sts.sts.test", "mta-sts.sts-ok.test"), Map.of(
            "mta-sts.sts.test", "version: STSv1\nmode: enforce\nmx: mx.elsewhere.test\nmax_age: 86400\n",
            "mta-sts.sts-ok.test", "version: STSv1\nmode: enforce\nmx: *.sts-ok.test\nmax_age: 86400\n"));

        dns = DnsServer.start();
        for (String domain : List.of("happy.test", "greylist.test", "mixed.test", "datafail.test", "held.test")) {
            dns.mx(domain, 10, "mx." + domain).a("mx." + domain, mx.address());
        }
        dns.mx("fallback.test", 10, "mx1.fallback.test").a("mx1.fallback.test", "127.0.0.62")
            .mx("fallback.test", 20, "mx2.fallback.test").a("mx2.fallback.test", fallback.address())
            .mx("v6.test", 10, "mx.v6.test").aaaa("mx.v6.test", "::1")
            .mx("silent.test", 10, "mx.silent.test").a("mx.silent.test", silent.address())
            .mx("tls.test", 10, "mx.tls.test").a("mx.tls.test", tls.address())
            .mx("broken-tls.test", 10, "mx.broken-tls.test").a("mx.broken-tls.test", brokenTls.address())
            .mx("broken-tls-required.test", 10, "mx.broken-tls.test")
            .nullMx("nomail.test")
            .mx("sts.test", 10, "mx.sts.test").a("mx.sts.test", stsMx.address())
            .txt("_mta-sts.sts.test", "v=STSv1; id=20261129")
            .a("mta-sts.sts.test", policyServer.address())
            .mx("sts-ok.test", 10, "mx.sts-ok.test").a("mx.sts-ok.test", tls.address())
            .txt("_mta-sts.sts-ok.test", "v=STSv1; id=1")
            .a("mta-sts.sts-ok.test", policyServer.address())
            .a("relay.smarthost.test", smarthost.address());

        server = TestServer.create(directory.resolve("server"), dns)
            .fastRetries("1s", 30)
            .outboundParameter("connectTimeout", "2s")
            .outboundParameter("readTimeout", "2s")
            .outboundParameter("trustStore", trustStore.toString())
            .outboundParameter("trustStorePassword", TestCertificates.PASSWORD)
            .writeConf("transport.xml", """
                <transport>
                    <route domain="tls.test" to="mx" tls="require"/>
                    <route domain="broken-tls-required.test" to="mx" tls="require"/>
                    <route domain="smarthost.test" to="smtp:[relay.smarthost.test]:587" tls="require" credentials="%s"/>
                    <route domain="lmtp.test" to="lmtp:[127.0.0.71]:24"/>
                    <route domain="held.test" to="hold"/>
                    <route domain="rejected.test" to="reject" reply="550 5.7.1 We do not send mail to rejected.test"/>
                    <default to="mx"/>
                </transport>
                """.formatted(credentials))
            .start();
        server.admin().addDomain("example.test").addUser(ALICE, PASSWORD);
    }

    @AfterAll
    void stop() {
        server.close();
        for (AutoCloseable closeable : new AutoCloseable[] {mx, fallback, ipv6, silent, tls, brokenTls, stsMx, smarthost, lmtp, policyServer, dns}) {
            try {
                closeable.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    @Test
    void mailGoesToTheMxAndEachAttemptIsTraced() {
        String messageId = send(ALICE, List.of("carol@happy.test"), "Happy path");

        await().atMost(WAIT).until(() -> mx.receivedWith("Subject: Happy path").size() == 1);
        FakeMx.Received received = mx.receivedWith("Subject: Happy path").get(0);
        assertThat(received.sender()).isEqualTo(ALICE);
        assertThat(received.recipients()).containsExactly("carol@happy.test");
        assertThat(received.helo()).isEqualTo(TestServer.HOSTNAME);

        await().atMost(WAIT).until(() -> server.admin().deliveryTraces(messageId).size() == 1);
        JsonNode trace = server.admin().deliveryTraces(messageId).get(0);
        assertThat(trace.path("recipient").asText()).isEqualTo("carol@happy.test");
        assertThat(trace.path("result").asText()).isEqualTo("delivered");
        assertThat(trace.path("route").asText()).isEqualTo("mx");
        assertThat(trace.path("hop").asText()).isEqualTo("mx.happy.test[127.0.0.61]:25");
        assertThat(trace.path("tls").asText()).isEqualTo("none");
        assertThat(trace.path("reply").asText()).isEqualTo("250 2.0.0 queued");
        assertThat(trace.path("attempt").asInt()).isEqualTo(1);
    }

    @Test
    void whenTheFirstMxRefusesConnectionsTheSecondOneGetsTheMail() {
        send(ALICE, List.of("dave@fallback.test"), "Fallback MX");

        await().atMost(WAIT).until(() -> fallback.receivedWith("Subject: Fallback MX").size() == 1);
        assertThat(fallback.receivedWith("Subject: Fallback MX").get(0).recipients()).containsExactly("dave@fallback.test");
    }

    @Test
    void anMxWithOnlyAnIpv6AddressIsReachedOverIpv6() {
        send(ALICE, List.of("erin@v6.test"), "Over IPv6");

        await().atMost(WAIT).until(() -> ipv6.receivedWith("Subject: Over IPv6").size() == 1);
        assertThat(ipv6.receivedWith("Subject: Over IPv6").get(0).clientAddress()).isIn("0:0:0:0:0:0:0:1", "::1");
    }

    @Test
    void aTemporaryRefusalIsRetriedUntilTheMailIsAccepted() {
        String messageId = send(ALICE, List.of("grey@greylist.test"), "Greylisted once");

        await().atMost(WAIT).until(() -> mx.receivedWith("Subject: Greylisted once").size() == 1);
        // the trace is written just after the remote's reply: wait for the final one
        await().atMost(WAIT).until(() -> server.admin().deliveryTraces(messageId).findValuesAsText("result").contains("delivered"));
        List<String> results = new ArrayList<>();
        server.admin().deliveryTraces(messageId).forEach(trace -> results.add(trace.path("result").asText()
            + " " + trace.path("reply").asText()));
        assertThat(results).containsExactly(
            "deferred 451 4.7.1 <grey@greylist.test>: Greylisted, try again later",
            "delivered 250 2.0.0 queued");
        assertThat(dsnsAbout("Greylisted once")).isEmpty();
    }

    @Test
    void oneRefusedRecipientOfThreeGetsOneDsnAndTheOthersTheMail() throws Exception {
        send(ALICE, List.of("frank@mixed.test", "nobody@mixed.test", "grace@mixed.test"), "Three recipients");

        await().atMost(WAIT).until(() -> mx.receivedWith("Subject: Three recipients").size() == 1);
        assertThat(mx.receivedWith("Subject: Three recipients").get(0).recipients())
            .containsExactly("frank@mixed.test", "grace@mixed.test");
        await().atMost(WAIT).until(() -> dsnsAbout("Three recipients").size() == 1);
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> dsnsAbout("Three recipients").size() == 1);

        Dsn dsn = Dsn.parse(dsnsAbout("Three recipients").get(0));
        assertThat(dsn.contentType()).startsWith("multipart/report").contains("report-type=delivery-status");
        assertThat(dsn.recipients()).hasSize(1);
        Map<String, String> nobody = dsn.recipients().get(0);
        assertThat(nobody).containsEntry("Final-Recipient", "rfc822; nobody@mixed.test")
            .containsEntry("Action", "failed")
            .containsEntry("Status", "5.1.1")
            .containsEntry("Remote-MTA", "dns; mx.mixed.test")
            .containsEntry("Diagnostic-Code", "smtp; 550 5.1.1 <nobody@mixed.test>: Recipient address rejected: User unknown");
        assertThat(dsn.perMessage()).containsEntry("Reporting-MTA", "dns; " + TestServer.HOSTNAME);
        assertThat(dsn.envelopeSenderWasNull()).isTrue();
    }

    @Test
    void aRefusalAfterDataFailsEveryRecipientOfThatTransaction() throws Exception {
        send(ALICE, List.of("heidi@datafail.test", "ivan@datafail.test"), "Refused content");

        await().atMost(WAIT).until(() -> dsnsAbout("Refused content").size() == 1);
        Dsn dsn = Dsn.parse(dsnsAbout("Refused content").get(0));
        assertThat(dsn.recipients()).extracting(fields -> fields.get("Final-Recipient"))
            .containsExactlyInAnyOrder("rfc822; heidi@datafail.test", "rfc822; ivan@datafail.test");
        assertThat(dsn.recipients()).allSatisfy(fields -> {
            assertThat(fields).containsEntry("Status", "5.6.0");
            assertThat(fields).containsEntry("Diagnostic-Code", "smtp; 554 5.6.0 Message content rejected");
        });
        assertThat(mx.receivedWith("Subject: Refused content")).isEmpty();
    }

    @Test
    void aNullMxDomainFailsAtOnceWithStatus5110() throws Exception {
        send(ALICE, List.of("judy@nomail.test"), "Null MX");

        await().atMost(WAIT).until(() -> dsnsAbout("Null MX").size() == 1);
        Dsn dsn = Dsn.parse(dsnsAbout("Null MX").get(0));
        assertThat(dsn.recipients().get(0)).containsEntry("Status", "5.1.10")
            .hasEntrySatisfying("Diagnostic-Code", code -> assertThat(code).startsWith("X-Mailwright; 556 5.1.10"));
    }

    @Test
    void aServerThatNeverAnswersIsDeferredAndTheDeferredListShowsTheRealNextAttempt() {
        String messageId = send(ALICE, List.of("kim@silent.test"), "Hung server");

        await().atMost(WAIT).until(() -> !server.admin().deliveryTraces(messageId).isEmpty());
        JsonNode trace = server.admin().deliveryTraces(messageId).get(0);
        assertThat(trace.path("result").asText()).isEqualTo("deferred");
        assertThat(trace.path("reply").asText()).startsWith("451 4.4.2 conversation with mx.silent.test[127.0.0.65]:25 failed")
            .contains("Read timed out");
        await().atMost(WAIT).until(() -> server.admin().getJson("/deliveries/deferred").findValuesAsText("destination")
            .contains("silent.test"));
        for (JsonNode deferred : server.admin().getJson("/deliveries/deferred")) {
            if (deferred.path("destination").asText().equals("silent.test")) {
                // the retry schedule of this server is "1s": the next attempt is one second after the last one
                assertThat(Duration.between(Instant.parse(deferred.path("lastAttempt").asText()),
                    Instant.parse(deferred.path("nextAttempt").asText()))).isEqualTo(Duration.ofSeconds(1));
            }
        }
        assertThat(silent.received()).isEmpty();
    }

    @Test
    void aFailureOfABounceCreatesNoDsnAndKeepsTheMail() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("localhost");
            Reply reply = client.send("", List.of("nobody@mixed.test"),
                message("MAILER-DAEMON@example.test", "nobody@mixed.test", "Bounce of a bounce", "<bounce@test>"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }

        await().atMost(WAIT).until(() -> server.admin().repositorySize("jpa://var/mail/undeliverable/") == 1);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> dsnsAbout("Bounce of a bounce").isEmpty());
        assertThat(server.admin().deliveryTraces("<bounce@test>")).singleElement()
            .satisfies(trace -> assertThat(trace.path("result").asText()).isEqualTo("failed"));
    }

    @Test
    void requiredTlsWithAValidCertificateIsUsedAndVerified() {
        String messageId = send(ALICE, List.of("leo@tls.test"), "Required TLS");

        await().atMost(WAIT).until(() -> tls.receivedWith("Subject: Required TLS").size() == 1);
        assertThat(tls.receivedWith("Subject: Required TLS").get(0).tls()).isTrue();
        JsonNode trace = firstTrace(messageId);
        assertThat(trace.path("tls").asText()).startsWith("TLSv1.");
        assertThat(trace.path("certificate").asText()).isEqualTo("verified");
    }

    @Test
    void aFailedHandshakeIsRetriedInClearWhenTlsIsOpportunistic() {
        String messageId = send(ALICE, List.of("mia@broken-tls.test"), "Opportunistic TLS");

        await().atMost(WAIT).until(() -> brokenTls.receivedWith("Subject: Opportunistic TLS").size() == 1);
        assertThat(brokenTls.receivedWith("Subject: Opportunistic TLS").get(0).tls()).isFalse();
        assertThat(firstTrace(messageId).path("certificate").asText())
            .isEqualTo("TLS handshake failed, sent in clear");
    }

    @Test
    void aFailedHandshakeDefersTheMailWhenTlsIsRequiredAndNothingIsSentInClear() {
        String messageId = send(ALICE, List.of("ned@broken-tls-required.test"), "TLS or nothing");

        await().atMost(WAIT).until(() -> server.admin().deliveryTraces(messageId).size() >= 2);
        assertThat(server.admin().deliveryTraces(messageId)).allSatisfy(trace -> {
            assertThat(trace.path("result").asText()).isIn("deferred", "expired");
            assertThat(trace.path("reply").asText()).startsWith("451 4.7.5 TLS required but the handshake with mx.broken-tls.test");
        });
        assertThat(brokenTls.receivedWith("Subject: TLS or nothing")).isEmpty();
    }

    @Test
    void anMtaStsEnforceDomainWhoseMxIsNotInThePolicyGetsNothing() {
        String messageId = send(ALICE, List.of("olga@sts.test"), "MTA-STS mismatch");

        await().atMost(WAIT).until(() -> !server.admin().deliveryTraces(messageId).isEmpty());
        assertThat(server.admin().deliveryTraces(messageId).get(0).path("reply").asText())
            .startsWith("451 4.7.5 MTA-STS policy of sts.test allows none of its MX hosts [mx.sts.test]");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> stsMx.connections() == 0);
    }

    @Test
    void anMtaStsEnforceDomainIsDeliveredOverVerifiedTlsToAMatchingMx() {
        String messageId = send(ALICE, List.of("pia@sts-ok.test"), "MTA-STS match");

        await().atMost(WAIT).until(() -> tls.receivedWith("Subject: MTA-STS match").size() == 1);
        assertThat(tls.receivedWith("Subject: MTA-STS match").get(0).tls()).isTrue();
        assertThat(firstTrace(messageId).path("certificate").asText()).isEqualTo("verified");
        assertThat(policyServer.requests()).contains("mta-sts.sts-ok.test");
    }

    @Test
    void aSmarthostRouteAuthenticatesOverTls() {
        send(ALICE, List.of("quinn@smarthost.test"), "Via smarthost");

        await().atMost(WAIT).until(() -> smarthost.receivedWith("Subject: Via smarthost").size() == 1);
        FakeMx.Received received = smarthost.receivedWith("Subject: Via smarthost").get(0);
        assertThat(received.tls()).isTrue();
        assertThat(received.authUser()).isEqualTo("relay-user");
    }

    @Test
    void anLmtpRouteHandsOverWithOneReplyPerRecipient() throws Exception {
        send(ALICE, List.of("rose@lmtp.test", "full@lmtp.test"), "Over LMTP");

        await().atMost(WAIT).until(() -> lmtp.receivedWith("Subject: Over LMTP").size() == 1);
        assertThat(lmtp.receivedWith("Subject: Over LMTP").get(0).recipients()).containsExactly("rose@lmtp.test");
        await().atMost(WAIT).until(() -> dsnsAbout("Over LMTP").size() == 1);
        assertThat(Dsn.parse(dsnsAbout("Over LMTP").get(0)).recipients()).singleElement()
            .satisfies(fields -> assertThat(fields).containsEntry("Status", "5.2.2")
                .containsEntry("Diagnostic-Code", "smtp; 552 5.2.2 <full@lmtp.test>: Mailbox full"));
    }

    @Test
    void recipientsOnDifferentRoutesAreSplitAndAHeldMailIsReleasedByTheAdministrator() throws Exception {
        send(ALICE, List.of("sam@happy.test", "tina@held.test", "uma@rejected.test"), "Split routes");

        await().atMost(WAIT).until(() -> mx.receivedWith("Subject: Split routes").size() == 1);
        assertThat(mx.receivedWith("Subject: Split routes").get(0).recipients()).containsExactly("sam@happy.test");
        await().atMost(WAIT).until(() -> dsnsAbout("Split routes").size() == 1);
        assertThat(Dsn.parse(dsnsAbout("Split routes").get(0)).recipients()).singleElement()
            .satisfies(fields -> assertThat(fields).containsEntry("Final-Recipient", "rfc822; uma@rejected.test")
                .containsEntry("Status", "5.7.1"));

        await().atMost(WAIT).until(() -> server.admin().getJson("/deliveries/hold").size() == 1);
        JsonNode held = server.admin().getJson("/deliveries/hold").get(0);
        assertThat(held.path("recipients").get(0).asText()).isEqualTo("tina@held.test");
        assertThat(held.path("subject").asText()).isEqualTo("Split routes");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
            .until(() -> mx.receivedWith("Subject: Split routes").size() == 1);

        assertThat(server.admin().call("POST", "/deliveries/hold/" + held.path("name").asText() + "/release")).isEqualTo(204);
        await().atMost(WAIT).until(() -> mx.receivedWith("Subject: Split routes").size() == 2);
        assertThat(mx.receivedWith("Subject: Split routes").get(1).recipients()).containsExactly("tina@held.test");
        assertThat(server.admin().getJson("/deliveries/hold")).isEmpty();
    }

    private String send(String sender, List<String> recipients, String subject) {
        String messageId = "<" + subject.replace(' ', '-').toLowerCase() + "." + System.nanoTime() + "@example.test>";
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("localhost");
            Reply reply = client.send(sender, recipients, message(sender, String.join(", ", recipients), subject, messageId));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
        return messageId;
    }

    private static String message(String from, String to, String subject, String messageId) {
        return "From: <" + from + ">\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: " + messageId
            + "\r\n\r\nbody of " + subject + "\r\n";
    }

    /** The first delivery trace of a message; it is recorded just after the remote's reply, so wait for it. */
    private JsonNode firstTrace(String messageId) {
        await().atMost(WAIT).until(() -> !server.admin().deliveryTraces(messageId).isEmpty());
        return server.admin().deliveryTraces(messageId).get(0);
    }

    /** The DSNs in Alice's INBOX whose attached headers are those of the mail with {@code subject}. */
    private List<String> dsnsAbout(String subject) {
        return Imap.messages(server.port(143), ALICE, PASSWORD, "INBOX").stream()
            .filter(raw -> raw.contains("report-type=delivery-status") && raw.contains("Subject: " + subject + "\r\n"))
            .toList();
    }

    /** A DSN read back with JavaMail: its content type and the fields of its message/delivery-status part. */
    record Dsn(String contentType, Map<String, String> perMessage, List<Map<String, String>> recipients,
               boolean envelopeSenderWasNull) {

        static Dsn parse(String raw) throws Exception {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
            MimeMultipart report = (MimeMultipart) message.getContent();
            assertThat(report.getCount()).isEqualTo(3);
            BodyPart status = report.getBodyPart(1);
            assertThat(status.getContentType()).startsWith("message/delivery-status");
            assertThat(report.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
            String text;
            try (InputStream in = status.getInputStream()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String[] blocks = text.replace("\r\n", "\n").strip().split("\n\n");
            List<Map<String, String>> recipients = new ArrayList<>();
            for (int i = 1; i < blocks.length; i++) {
                recipients.add(fields(blocks[i]));
            }
            String[] returnPath = message.getHeader("Return-Path");
            return new Dsn(message.getContentType().replaceAll("\\s+", " "), fields(blocks[0]), recipients,
                returnPath != null && returnPath[0].equals("<>"));
        }

        private static Map<String, String> fields(String block) {
            Map<String, String> fields = new java.util.LinkedHashMap<>();
            for (String line : block.split("\n")) {
                int colon = line.indexOf(':');
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            return fields;
        }
    }
}
