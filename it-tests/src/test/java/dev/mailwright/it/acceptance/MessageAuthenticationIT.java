package dev.mailwright.it.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.it.support.DkimTool;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.TestServer;

/**
 * SPF, DKIM, DMARC and anti-spoofing on port 25 with the shipped configuration, against DNS records served to the
 * server: what is refused is refused during the dialogue with the right codes, what is accepted carries an
 * Authentication-Results header, DMARC quarantine lands in Junk. DKIM signatures are made by a third-party signer
 * (dkimpy). Clients connect from 127.0.0.41-43 ("the internet"); 127.0.0.1 is the trusted loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageAuthenticationIT {
    static final String ALIGNED_MTA = "127.0.0.41";
    static final String FORGER = "127.0.0.42";
    static final String OTHER_MTA = "127.0.0.43";
    static final String BOB = "bob@example.test";

    DnsServer dns;
    TestServer server;
    DkimTool.Key key;

    @BeforeAll
    void start(@TempDir Path directory) throws Exception {
        Path keys = directory.resolve("keys");
        java.nio.file.Files.createDirectories(keys);
        key = DkimTool.newKey(keys, "s2026");
        dns = DnsServer.start()
            // a domain that does everything right: SPF for its MTA, a DKIM key, DMARC reject
            .txt("aligned.test", "v=spf1 ip4:" + ALIGNED_MTA + " -all")
            .txt("s2026._domainkey.aligned.test", key.txtStrings())
            .txt("_dmarc.aligned.test", "v=DMARC1; p=reject")
            // a bank whose name is forged
            .txt("bank.test", "v=spf1 ip4:192.0.2.1 -all")
            .txt("_dmarc.bank.test", "v=DMARC1; p=reject")
            // a careful domain asking for quarantine
            .txt("_dmarc.careful.test", "v=DMARC1; p=quarantine")
            // a domain whose SPF refuses everyone
            .txt("nobody-sends.test", "v=spf1 -all")
            // an ordinary sender without DMARC
            .txt("plain.test", "v=spf1 ip4:" + OTHER_MTA + " ~all");
        server = TestServer.create(directory.resolve("server"), dns).start();
        server.admin().addDomain("example.test").addUser(BOB, "bob-secret");
    }

    @AfterAll
    void stop() {
        server.close();
        dns.close();
    }

    private Reply send(String client, String helo, String envelopeSender, String message) {
        try (SmtpClient smtp = SmtpClient.connectFrom(client, server.port(25))) {
            smtp.ehlo(helo);
            return smtp.send(envelopeSender, List.of(BOB), message);
        }
    }

    private String delivered(String folder, String subject) {
        return await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
            () -> Imap.messages(server.port(143), BOB, "bob-secret", folder).stream()
                .filter(raw -> raw.contains("Subject: " + subject)).findFirst().orElse(null),
            raw -> raw != null);
    }

    private static String message(String from, String subject) {
        return "From: <" + from + ">\r\nTo: <" + BOB + ">\r\nSubject: " + subject + "\r\nMessage-ID: <" + System.nanoTime()
            + "@test>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0000\r\n\r\nHello Bob,\r\n\r\nthis is " + subject + ".\r\n";
    }

    @Test
    void aDkimSignedAlignedMessageSignedByAThirdPartyPassesWithItsResultsInTheMessage() {
        String signed = DkimTool.sign(message("news@aligned.test", "signed by dkimpy"), key, "aligned.test", "s2026", "relaxed", "simple");

        Reply reply = send(ALIGNED_MTA, "mx.aligned.test", "bounces@aligned.test", signed);

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        String received = delivered("INBOX", "signed by dkimpy");
        assertThat(received).containsPattern("Authentication-Results: mail\\.example\\.test;\\s+spf=pass smtp\\.mailfrom=aligned\\.test;"
            + "\\s+dkim=pass header\\.d=aligned\\.test header\\.s=s2026 header\\.b=\\S+;"
            + "\\s+dmarc=pass \\(p=reject dis=none\\) header\\.from=aligned\\.test");
        assertThat(received.indexOf("Authentication-Results: mail.example.test")).as("at the top, above our Received")
            .isLessThan(received.indexOf("Received: from " + ALIGNED_MTA));
    }

    @Test
    void aThirdPartySignatureVerifiesWithSimpleCanonicalizationEvenWithoutSpf() {
        String signed = DkimTool.sign(message("news@aligned.test", "forwarded but signed"), key, "aligned.test", "s2026", "simple", "simple");

        // a forwarder: SPF of aligned.test does not cover it, the signature still makes DMARC pass
        Reply reply = send(OTHER_MTA, "mx.forwarder.test", "forwards@forwarder.test", signed);

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        assertThat(delivered("INBOX", "forwarded but signed")).containsPattern("dkim=pass header\\.d=aligned\\.test")
            .contains("dmarc=pass (p=reject dis=none) header.from=aligned.test");
    }

    @Test
    void aForgedFromOfAPRejectDomainIsRefusedAtData() {
        Reply reply = send(FORGER, "mx.forger.test", "x@plain.test", message("ceo@bank.test", "urgent transfer"));

        assertThat(reply.code()).as(reply.text()).isEqualTo(550);
        assertThat(reply.text()).startsWith("550 5.7.1 Message rejected: the DMARC policy of bank.test");
    }

    @Test
    void aTamperedSignedMessageFailsDmarc() {
        String signed = DkimTool.sign(message("news@aligned.test", "tampered"), key, "aligned.test", "s2026", "relaxed", "simple");

        Reply reply = send(OTHER_MTA, "mx.forwarder.test", "forwards@forwarder.test", signed.replace("this is tampered", "this was changed"));

        assertThat(reply.code()).as(reply.text()).isEqualTo(550);
        assertThat(reply.text()).contains("DMARC policy of aligned.test");
    }

    @Test
    void spfFailIsRefusedAtMail() {
        try (SmtpClient smtp = SmtpClient.connectFrom(OTHER_MTA, server.port(25))) {
            smtp.ehlo("mx.other.test");
            Reply reply = smtp.mailFrom("someone@nobody-sends.test");

            assertThat(reply.code()).isEqualTo(550);
            assertThat(reply.text()).isEqualTo("550 5.7.23 SPF check failed: nobody-sends.test does not designate "
                + OTHER_MTA + " as permitted sender");
        }
    }

    @Test
    void aTemporaryDnsFailureDuringSpfIsA451() {
        dns.failing("flaky.test");
        try (SmtpClient smtp = SmtpClient.connectFrom(OTHER_MTA, server.port(25))) {
            smtp.ehlo("mx.other.test");
            Reply reply = smtp.mailFrom("someone@flaky.test");

            assertThat(reply.code()).isEqualTo(451);
            assertThat(reply.text()).startsWith("451 4.7.24 ");
        }
    }

    @Test
    void dmarcQuarantineIsDeliveredToTheJunkFolder() {
        Reply reply = send(OTHER_MTA, "mx.other.test", "x@plain.test", message("offers@careful.test", "quarantined offer"));

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        assertThat(delivered("Junk", "quarantined offer")).contains("dmarc=fail (p=quarantine dis=quarantine) header.from=careful.test");
        assertThat(Imap.messages(server.port(143), BOB, "bob-secret", "INBOX"))
            .noneMatch(raw -> raw.contains("Subject: quarantined offer"));
    }

    @Test
    void ourOwnDomainFromOutsideIsRefusedUnlessAuthenticated() {
        Reply reply = send(FORGER, "mx.forger.test", "x@plain.test", message("boss@example.test", "from the boss"));

        assertThat(reply.code()).as(reply.text()).isEqualTo(550);
        assertThat(reply.text()).startsWith("550 5.7.1 Message rejected: its From address is in our domain example.test");
    }

    @Test
    void forgedAuthenticationResultsNamingThisServerAreRemoved() {
        String forged = "Authentication-Results: mail.example.test; dkim=pass header.d=bank.test; dmarc=pass header.from=bank.test\r\n"
            + "Authentication-Results: mx.upstream.test; spf=pass smtp.mailfrom=plain.test\r\n"
            + message("someone@plain.test", "with forged results");

        Reply reply = send(OTHER_MTA, "mx.other.test", "someone@plain.test", forged);

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        String received = delivered("INBOX", "with forged results");
        assertThat(received).doesNotContain("header.d=bank.test").contains("Authentication-Results: mx.upstream.test;")
            .containsPattern("Authentication-Results: mail\\.example\\.test;\\s+spf=pass smtp\\.mailfrom=plain\\.test;\\s+dkim=none;"
                + "\\s+dmarc=none \\(no DMARC policy\\) header\\.from=plain\\.test");
    }

    @Test
    void localProgramsOnTheTrustedLoopbackAreNotChecked() {
        Reply reply = send("127.0.0.1", "localhost", "root@example.test", message("cron@example.test", "nightly report"));

        assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        assertThat(delivered("INBOX", "nightly report")).doesNotContain("Authentication-Results: mail.example.test");
    }
}
