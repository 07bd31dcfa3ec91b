package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.mailet.Mail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.mailets.bounce.DsnBuilder;
import dev.mailwright.mailets.outcome.Hop;
import dev.mailwright.mailets.outcome.RecipientOutcome;
import dev.mailwright.mailets.outcome.SmtpReply;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class DsnFuzzTest {

    /** A DSN about any message with any remote reply is built and can be written out. */
    @FuzzTest(maxDuration = "10s")
    void dsnOfAnyMessage(FuzzedDataProvider data) throws Exception {
        int code = data.consumeInt(200, 599);
        List<String> lines = new ArrayList<>();
        for (int i = data.consumeInt(1, 3); i > 0; i--) {
            lines.add(data.consumeString(120));
        }
        boolean delayed = data.consumeBoolean();
        MimeMessage original;
        try {
            original = serverSide(data.consumeRemainingAsBytes());
            original.getAllHeaderLines();
        } catch (MessagingException unreadable) {
            return;
        }
        Mail mail = MailImpl.builder().name("fuzz").sender("sender@example.test").addRecipient("rcpt@remote.test")
            .mimeMessage(original).build();
        SmtpReply reply = new SmtpReply(code, lines);
        RecipientOutcome outcome = new RecipientOutcome(new MailAddress("rcpt@remote.test"),
            code < 300 ? RecipientOutcome.Result.DELIVERED : code < 500 ? RecipientOutcome.Result.DEFERRED : RecipientOutcome.Result.FAILED,
            reply, new Hop("mx.remote.test", "192.0.2.7", 25, "none", "-", "-"));
        Mail dsn = new DsnBuilder("mx.example.test").build(delayed ? DsnBuilder.Kind.DELAYED : DsnBuilder.Kind.FAILED, mail,
            List.of(outcome), Instant.EPOCH, Instant.EPOCH.plusSeconds(86400));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        dsn.getMessage().writeTo(out);
        String text = out.toString(StandardCharsets.ISO_8859_1);
        if (!text.contains("message/delivery-status")) {
            throw new IllegalStateException("a DSN without its delivery-status part");
        }
    }

    /**
     * The message as the SMTP server hands it to hooks and mailets (James's wrapper around the DATA stream), not
     * javax.mail's own parser: that one throws IndexOutOfBoundsException for a header block starting with a
     * continuation line (the first finding; James reads such a message).
     */
    private static MimeMessage serverSide(byte[] raw) throws MessagingException {
        return new MimeMessageWrapper(MimeMessageInputStreamSource.create("fuzz", new ByteArrayInputStream(raw)));
    }
}
