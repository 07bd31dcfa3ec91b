package dev.mailwright.mailets.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import javax.mail.internet.MimeMessage;

import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.jdkim.DKIMVerifier;
import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.mailwright.common.testing.TestClock;
import dev.mailwright.mailets.wire.CrlfOutputStream;

/** The mailet on messages as the server holds them (James's MimeMessageWrapper over the received bytes). */
class DkimSignTest {
    private static final String HEADER = "Received: from laptop ([192.0.2.9]) by mail.example.com\r\n"
        + "From: Alice <alice@example.com>\r\n"
        + "To: bob@remote.test\r\n"
        + "Subject: Lunch\r\n"
        + "Date: Sun, 29 Nov 2026 10:00:00 +0000\r\n"
        + "Message-ID: <lunch@example.com>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n";
    private static final String BODY = "\r\nNoon?\r\n.leading dot\r\n";

    @TempDir
    Path directory;
    private DkimKeyStore store;
    private DkimSign mailet;

    @BeforeEach
    void setUp() throws Exception {
        store = new DkimKeyStore(directory, new TestClock());
        mailet = new DkimSign(store, Clock.fixed(Instant.parse("2026-11-29T10:00:01Z"), ZoneOffset.UTC));
        mailet.init(FakeMailetConfig.builder().mailetName("dkim").build());
    }

    @Test
    void theSignatureGoesOnTopAndNothingElseOfTheMessageChanges() throws Exception {
        store.generate("example.com", DkimAlgorithm.RSA);
        Mail mail = mail("alice@example.com", HEADER + BODY);

        mailet.service(mail);

        String sent = sent(mail);
        assertThat(sent).startsWith("DKIM-Signature: v=1; ").endsWith(HEADER + BODY);
        assertThat(verifier().verify(new ByteArrayInputStream(sent.getBytes(StandardCharsets.UTF_8))))
            .extracting(record -> record.getDToken().toString()).containsExactly("example.com");
    }

    @Test
    void aDomainWithAnEd25519KeyGetsASecondSignatureAndASecondPassSignsNothingMore() throws Exception {
        store.generate("example.com", DkimAlgorithm.RSA);
        store.generate("example.com", DkimAlgorithm.ED25519);
        Mail mail = mail("alice@example.com", HEADER + BODY);

        mailet.service(mail);
        mailet.service(mail);

        String sent = sent(mail);
        assertThat(sent.split("DKIM-Signature:", -1)).hasSize(3);
        assertThat(sent).contains("a=rsa-sha256").contains("a=ed25519-sha256");
    }

    @Test
    void theFromDomainOrItsParentSignsAndADomainWithoutKeysStaysUnsigned() throws Exception {
        store.generate("example.com", DkimAlgorithm.RSA);
        Mail fromSubdomain = mail("alice@sales.example.com", HEADER.replace("alice@example.com", "alice@sales.example.com") + BODY);
        mailet.service(fromSubdomain);
        assertThat(sent(fromSubdomain)).contains("d=example.com;");

        Mail foreign = mail("someone@elsewhere.test", HEADER.replace("alice@example.com", "someone@elsewhere.test") + BODY);
        mailet.service(foreign);
        assertThat(sent(foreign)).doesNotContain("DKIM-Signature");
    }

    @Test
    void aSignatureAlreadyThereStaysValid() throws Exception {
        // a message signed by someone else (another server, a mailing list) that we sign again on its way out
        DkimKeyStore other = new DkimKeyStore(directory.resolve("other"), new TestClock());
        DkimKey list = other.generate("lists.example.org", DkimAlgorithm.RSA).get(0);
        String signed = new DKIMSigner("v=1; a=rsa-sha256; c=simple/simple; d=lists.example.org; s=" + list.selector()
            + "; h=from:to:subject:date:message-id; bh=; b=;", list.privateKey())
            .sign(new ByteArrayInputStream((HEADER + BODY).getBytes(StandardCharsets.UTF_8))) + "\r\n" + HEADER + BODY;
        store.generate("example.com", DkimAlgorithm.RSA);
        Mail mail = mail("alice@example.com", signed);

        mailet.service(mail);

        String sent = sent(mail);
        DKIMVerifier both = new DKIMVerifier((method, selector, domain) -> List.of(domain.toString().equals("lists.example.org")
            ? list.record() : store.activeKeys("example.com").get(0).record()));
        assertThat(both.verify(new ByteArrayInputStream(sent.getBytes(StandardCharsets.UTF_8))))
            .extracting(SignatureRecord::getDToken).extracting(CharSequence::toString)
            .containsExactlyInAnyOrder("example.com", "lists.example.org");
    }

    private DKIMVerifier verifier() {
        return new DKIMVerifier((method, selector, domain) -> store.keys(domain.toString()).stream()
            .filter(key -> key.selector().equals(selector.toString())).map(DkimKey::record).toList());
    }

    private static Mail mail(String sender, String raw) throws Exception {
        MimeMessage message = new MimeMessageWrapper(MimeMessageInputStreamSource.create("m-" + System.nanoTime(),
            new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))));
        return FakeMail.builder().name("mail-1").sender(sender).recipient("bob@remote.test").mimeMessage(message).build();
    }

    /** The bytes the SMTP client sends (before dot-stuffing). */
    private static String sent(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CrlfOutputStream crlf = new CrlfOutputStream(out)) {
            mail.getMessage().writeTo(crlf);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
