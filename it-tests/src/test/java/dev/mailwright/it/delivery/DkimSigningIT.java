package dev.mailwright.it.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.mailwright.it.support.DkimVerify;
import dev.mailwright.it.support.DnsServer;
import dev.mailwright.it.support.Imap;
import dev.mailwright.it.support.MailwrightCli;
import dev.mailwright.it.support.SmtpClient.Reply;
import dev.mailwright.it.support.SmtpClient;
import dev.mailwright.it.support.SmtpSink;
import dev.mailwright.it.support.TestServer;

/**
 * Mail that leaves is DKIM-signed, and a third-party verifier agrees: org-a.test gets its key when the domain is
 * added (and an Ed25519 key with {@code ./mailwright admin dkim generate}), the DKIM records that
 * {@code ./mailwright admin dns} prints are served by the test's DNS, a mail from alice@org-a.test to bob@org-b.test
 * is captured by Postfix's smtp-sink as org-b's MX, and dkimpy (the library of dkimverify) verifies both signatures
 * of the captured message against that DNS. {@code admin dns --check} tells what is still missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DkimSigningIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ALICE = "alice@org-a.test";
    private static final String PASSWORD = "alice-secret";

    DnsServer dns;
    SmtpSink orgB;
    TestServer server;

    @BeforeAll
    void start(@TempDir Path directory) {
        orgB = SmtpSink.start("127.0.0.72");
        dns = DnsServer.start();
        dns.mx("org-b.test", 10, "mx.org-b.test").a("mx.org-b.test", "127.0.0.72");
        server = TestServer.create(directory.resolve("server"), dns).start();
        server.admin().addDomain("org-a.test").addUser(ALICE, PASSWORD).addUser("carol@org-a.test", "carol-secret");
        MailwrightCli.Result ed25519 = MailwrightCli.run(server, "admin", "dkim", "generate", "org-a.test", "ed25519");
        assertThat(ed25519.exitCode()).as(ed25519.output()).isZero();
        MailwrightCli.Result records = MailwrightCli.run(server, "admin", "dns", "org-a.test");
        assertThat(records.exitCode()).as(records.output()).isZero();
        System.out.println("./mailwright admin dns org-a.test\n" + records.output());
        // the DKIM selectors as admin dns prints them, served by the test's DNS
        MailwrightCli.records(records.output()).stream().filter(record -> record.name().contains("._domainkey."))
            .forEach(record -> dns.txt(record.name(), record.strings().toArray(String[]::new)));
    }

    @AfterAll
    void stop() {
        server.close();
        orgB.close();
        dns.close();
    }

    @Test
    void aNewDomainHasAnRsaKeyAndOnRequestAnEd25519OneKeptReadableByTheServerOnly() throws IOException {
        JsonNode keys = server.admin().getJson("/dkim/org-a.test");
        assertThat(keys).extracting(key -> key.path("algorithm").asText() + " " + key.path("state").asText())
            .containsExactly("rsa active", "ed25519 active");
        assertThat(server.admin().anonymous().call("GET", "/dkim/org-a.test")).as("keys are for the administrator").isEqualTo(401);
        assertThat(server.admin().anonymous().call("GET", "/dns/records/org-a.test")).isEqualTo(401);
        Path folder = server.data().resolve("dkim/org-a.test");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.toList()).hasSize(3).allSatisfy(file ->
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------"));
        }
    }

    @Test
    void mailToAnotherOrganizationCarriesTwoSignaturesThatDkimpyVerifies() {
        try (SmtpClient client = SmtpClient.connect(server.port(25))) {
            client.ehlo("localhost");
            Reply reply = client.send(ALICE, List.of("bob@org-b.test"), "From: Alice <alice@org-a.test>\r\n"
                + "To: Bob <bob@org-b.test>\r\nSubject: Signed for org-b\r\nMessage-ID: <signed.1@org-a.test>\r\n"
                + "Date: Tue, 01 Dec 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n"
                + "\r\nHello Bob,\r\n.a line with a leading dot\r\n\r\nAlice\r\n");
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }

        await().atMost(WAIT).until(() -> orgB.received("Subject: Signed for org-b").size() == 1);
        String captured = orgB.received("Subject: Signed for org-b").get(0);
        assertThat(captured).contains("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=org-a.test;")
            .contains("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=org-a.test;");
        DkimVerify.Result verified = DkimVerify.verify(captured, dns);
        System.out.println("captured by smtp-sink:\n" + captured + "\ndkimpy:\n" + verified.output());
        assertThat(verified.allPass()).as(verified.output()).isTrue();
        assertThat(verified.output()).contains("a=rsa-sha256: pass").contains("a=ed25519-sha256: pass");

        // and a message altered on the way fails, so the pass above means something
        DkimVerify.Result altered = DkimVerify.verify(captured.replace("Hello Bob", "Hello Eve"), dns);
        assertThat(altered.allPass()).as(altered.output()).isFalse();
    }

    @Test
    void mailOfAnAuthenticatedUserToALocalUserIsSignedToo() {
        try (SmtpClient client = SmtpClient.connect(server.port(587))) {
            client.ehlo("laptop.org-a.test");
            assertThat(client.startTls().code()).isEqualTo(220);
            client.ehlo("laptop.org-a.test");
            assertThat(client.authPlain(ALICE, PASSWORD).code()).isEqualTo(235);
            Reply reply = client.send(ALICE, List.of("carol@org-a.test"),
                SmtpClient.message(ALICE, "carol@org-a.test", "Local and signed", "see you"));
            assertThat(reply.code()).as(reply.text()).isEqualTo(250);
        }
        await().atMost(WAIT).until(() -> !Imap.messages(server.port(143), "carol@org-a.test", "carol-secret", "INBOX").isEmpty());
        String stored = Imap.messages(server.port(143), "carol@org-a.test", "carol-secret", "INBOX").get(0);
        assertThat(stored).contains("d=org-a.test");
        DkimVerify.Result verified = DkimVerify.verify(stored, dns);
        assertThat(verified.allPass()).as(verified.output()).isTrue();
    }

    @Test
    void adminDnsCheckSaysWhatIsMissingUntilEverythingIsPublished() {
        MailwrightCli.Result before = MailwrightCli.run(server, "admin", "dns", "org-a.test", "--check");
        System.out.println("./mailwright admin dns org-a.test --check (only DKIM published)\n" + before.output());
        assertThat(before.exitCode()).as("a mismatch").isEqualTo(1);
        assertThat(before.output().lines()).filteredOn(line -> line.contains("._domainkey.")).hasSize(2)
            .allSatisfy(line -> assertThat(line).startsWith("ok "));
        assertThat(before.output()).contains("missing     org-a.test.").contains("missing     _dmarc.org-a.test.");

        for (MailwrightCli.ZoneRecord record : MailwrightCli.records(MailwrightCli.run(server, "admin", "dns", "org-a.test").output())) {
            switch (record.type()) {
                case "MX" -> dns.mx(record.name(), Integer.parseInt(record.value().split(" ")[0]), record.value().split(" ")[1]);
                case "CNAME" -> dns.cname(record.name(), record.value());
                case "A" -> dns.a(record.name(), "127.0.0.1");
                case "TXT" -> {
                    if (!record.name().contains("._domainkey.")) {
                        dns.txt(record.name(), record.strings().toArray(String[]::new));
                    }
                }
                default -> throw new IllegalStateException(record.toString());
            }
        }
        MailwrightCli.Result after = MailwrightCli.run(server, "admin", "dns", "org-a.test", "--check");
        System.out.println("./mailwright admin dns org-a.test --check (all published)\n" + after.output());
        assertThat(after.exitCode()).as(after.output()).isZero();
        assertThat(after.output().lines()).hasSize(9).allSatisfy(line -> assertThat(line).startsWith("ok "));
    }
}
