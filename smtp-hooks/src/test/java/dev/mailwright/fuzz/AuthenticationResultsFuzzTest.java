package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.james.server.core.MimeMessageWrapper;

import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.smtp.dmarc.AuthenticationResults;
import dev.mailwright.smtp.dmarc.DmarcEvaluator;
import dev.mailwright.smtp.dmarc.DmarcResult;
import dev.mailwright.smtp.dmarc.MessageAuthentication;
import dev.mailwright.smtp.dmarc.MessageAuthenticator;
import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.smtp.policy.HeaderEdit;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class AuthenticationResultsFuzzTest {

    /**
     * Any message: its author domains are read, DMARC is evaluated for each, and the Authentication-Results field
     * is put on top. The field may never carry a line break of its own (header injection) beyond the folding we write.
     */
    @FuzzTest(maxDuration = "10s")
    void authenticationResultsOfAnyMessage(byte[] raw) throws IOException {
        MimeMessage message;
        List<String> domains;
        try {
            message = serverSide(raw);
            domains = MessageAuthenticator.fromDomains(message);
        } catch (MessagingException unreadable) {
            return;
        }
        DmarcEvaluator evaluator = new DmarcEvaluator((name, type) -> DnsAnswer.noRecords(), () -> 0.5);
        List<DmarcResult> results = new ArrayList<>();
        for (String domain : domains) {
            results.add(evaluator.evaluate(domain, Optional.empty(), List.of()));
        }
        String value = AuthenticationResults.value("mx.example.test", new MessageAuthentication(Optional.empty(), List.of(), domains, results), false);
        String unfolded = value.replace(";\r\n\t", "; ");
        if (unfolded.indexOf('\r') >= 0 || unfolded.indexOf('\n') >= 0) {
            throw new IllegalStateException("line break inside Authentication-Results: " + value);
        }
        try {
            HeaderEdit.prepend(message, AuthenticationResults.HEADER, value);
            message.getAllHeaderLines();
        } catch (MessagingException unreadable) {
            // javax.mail could not read the header block: the hook refuses such a message
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
