package dev.mailwright.mailets.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.apache.james.core.MailAddress;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.Test;

import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;

class DsnBuilderTest {
    private static final Hop HOP = new Hop("mx.remote.test", "192.0.2.1", 25, "TLSv1.3", "verified", "opportunistic");

    @Test
    void aFailureDsnIsAMultipartReportWithOneBlockPerRecipient() throws Exception {
        Mail original = FakeMail.builder()
            .name("mail-1")
            .sender("alice@example.test")
            .recipients("bob@remote.test", "carol@remote.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Quarterly report").setText("numbers"))
            .build();
        List<RecipientOutcome> outcomes = List.of(
            new RecipientOutcome(new MailAddress("bob@remote.test"), RecipientOutcome.Result.FAILED,
                new SmtpReply(550, List.of("5.1.1 <bob@remote.test>: User unknown")), HOP),
            new RecipientOutcome(new MailAddress("carol@remote.test"), RecipientOutcome.Result.FAILED,
                SmtpReply.local(550, "5.1.2", "Host or domain name not found"), Hop.NONE));

        Mail dsn = new DsnBuilder("mail.example.test").build(DsnBuilder.Kind.FAILED, original, outcomes,
            Instant.parse("2026-11-29T10:00:00Z"), Instant.parse("2026-12-04T10:00:00Z"));

        assertThat(dsn.getMaybeSender().isNullSender()).isTrue();
        assertThat(dsn.getRecipients()).containsExactly(new MailAddress("alice@example.test"));
        MimeMessage message = dsn.getMessage();
        assertThat(message.getContentType()).contains("multipart/report").contains("report-type=delivery-status");
        assertThat(message.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(message.getHeader("Auto-Submitted")[0]).isEqualTo("auto-replied");
        assertThat(message.getMessageID()).endsWith("@mail.example.test>");

        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(text(parts.getBodyPart(0).getInputStream()))
            .contains("<bob@remote.test>: host mx.remote.test[192.0.2.1] said: 550 5.1.1 <bob@remote.test>: User unknown");
        assertThat(parts.getBodyPart(1).getContentType()).isEqualTo("message/delivery-status");
        assertThat(text(parts.getBodyPart(1).getInputStream()).replace("\r\n", "\n"))
            .contains("Reporting-MTA: dns; mail.example.test\nX-Mailwright-Queue-ID: mail-1\nArrival-Date: Sun, 29 Nov 2026 10:00:00 GMT\n")
            .contains("\nFinal-Recipient: rfc822; bob@remote.test\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; mx.remote.test\n"
                + "Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: User unknown\n")
            .contains("\nFinal-Recipient: rfc822; carol@remote.test\nAction: failed\nStatus: 5.1.2\n"
                + "Diagnostic-Code: X-Mailwright; 550 5.1.2 Host or domain name not found\n")
            .doesNotContain("Will-Retry-Until");
        assertThat(parts.getBodyPart(2).getContentType()).isEqualTo("text/rfc822-headers");
        assertThat(text(parts.getBodyPart(2).getInputStream())).contains("Subject: Quarterly report");
    }

    @Test
    void aDelayNoticeSaysUntilWhenItRetries() throws Exception {
        Mail original = FakeMail.builder().name("mail-2").sender("alice@example.test").recipient("bob@remote.test")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("Later").setText("x")).build();
        Mail dsn = new DsnBuilder("mail.example.test").build(DsnBuilder.Kind.DELAYED, original, List.of(
                new RecipientOutcome(new MailAddress("bob@remote.test"), RecipientOutcome.Result.DEFERRED,
                    new SmtpReply(451, List.of("4.7.1 try later")), HOP)),
            Instant.parse("2026-11-29T10:00:00Z"), Instant.parse("2026-12-04T10:00:00Z"));

        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        dsn.getMessage().writeTo(raw);
        assertThat(raw.toString(StandardCharsets.UTF_8))
            .contains("Subject: Delayed Mail (still being retried)")
            .contains("Action: delayed\r\nStatus: 4.7.1\r\n")
            .contains("Will-Retry-Until: Fri, 4 Dec 2026 10:00:00 GMT");
    }

    private static String text(InputStream in) throws Exception {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
