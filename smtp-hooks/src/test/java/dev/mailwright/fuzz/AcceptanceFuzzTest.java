package dev.mailwright.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelopeImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.smtp.dmarc.AuthenticationResults;
import dev.mailwright.smtp.dmarc.DmarcEvaluator;
import dev.mailwright.smtp.dmarc.DmarcResult;
import dev.mailwright.smtp.dmarc.MessageAuthentication;
import dev.mailwright.smtp.dmarc.MessageAuthenticator;
import dev.mailwright.smtp.dns.DnsAnswer;
import dev.mailwright.smtp.mime.BareCarriageReturnHook;
import dev.mailwright.smtp.mime.MimeStructure;
import dev.mailwright.smtp.policy.HeaderEdit;
import dev.mailwright.smtp.testing.FakeSession;

/**
 * Fuzz tests of what the acceptance hooks parse from clients: DMARC records from DNS, From headers, the message
 * structure, DATA lines, and the Authentication-Results field written back into the message. Each input must give an
 * answer (a result, a refusal, a checked exception), never another exception, and never a header that breaks out of
 * its field. Regression mode (every build) replays {@code src/test/resources/dev/mailwright/fuzz/AcceptanceFuzzTestInputs/};
 * fuzzing mode: {@code JAZZER_FUZZ=1} (see {@code .ci/fuzz} and docs/hardening.md).
 */
class AcceptanceFuzzTest {
    private static final Session MAIL = Session.getInstance(new Properties());
    private static final MimeStructure STRUCTURE = new MimeStructure(100, 1000);

    /** A DMARC record as DNS could give it, evaluated for an author domain: a result, whatever the text. */
    @FuzzTest(maxDuration = "15s")
    void dmarcRecordFromDns(FuzzedDataProvider data) {
        String domain = data.consumeString(80);
        String record = data.consumeRemainingAsString();
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < record.length(); i += 200) {
            strings.add(record.substring(i, Math.min(record.length(), i + 200)));
        }
        DmarcEvaluator evaluator = new DmarcEvaluator((name, type) -> {
            try {
                return DnsAnswer.found(List.of(new TXTRecord(Name.fromString(name.endsWith(".") ? name : name + "."), DClass.IN, 0, strings)));
            } catch (TextParseException | IllegalArgumentException unrepresentable) {
                return DnsAnswer.noRecords();
            }
        }, () -> 0.5);
        DmarcResult result = evaluator.evaluate(domain, Optional.empty(), List.of());
        if (result == null || result.result() == null) {
            throw new IllegalStateException("no DMARC result");
        }
    }

    /**
     * Any message: its author domains are read, DMARC is evaluated for each, and the Authentication-Results field
     * is put on top. The field may never carry a line break of its own (header injection) beyond the folding we write.
     */
    @FuzzTest(maxDuration = "15s")
    void authenticationResultsOfAnyMessage(byte[] raw) throws IOException {
        MimeMessage message;
        List<String> domains;
        try {
            message = new MimeMessage(MAIL, new ByteArrayInputStream(raw));
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

    /** The structure check answers for any message (a violation or none), without running deep into the stack. */
    @FuzzTest(maxDuration = "15s")
    void mimeStructure(byte[] raw) {
        try {
            STRUCTURE.violation(new ByteArrayInputStream(raw));
        } catch (IOException unreadable) {
            // refused as unreadable by the hook
        }
    }

    /**
     * DATA lines: a message is refused (554 5.6.0) exactly when a line has a carriage return that does not end it,
     * and every line is passed on unchanged.
     */
    @FuzzTest(maxDuration = "15s")
    void bareCarriageReturn(FuzzedDataProvider data) {
        BareCarriageReturnHook hook = new BareCarriageReturnHook();
        FakeSession session = new FakeSession("192.0.2.1");
        boolean expected = false;
        List<byte[]> passedOn = new ArrayList<>();
        LineHandler<SMTPSession> next = new LineHandler<>() {
            @Override
            public Response onLine(SMTPSession s, byte[] line) {
                passedOn.add(line);
                return null;
            }
        };
        int lines = 0;
        while (data.remainingBytes() > 0 && lines++ < 50) {
            byte[] line = data.consumeBytes(data.consumeInt(0, 200));
            String text = new String(line, StandardCharsets.ISO_8859_1);
            String body = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text;
            expected |= body.indexOf('\r') >= 0;
            hook.onLine(session, line, next);
            if (passedOn.get(passedOn.size() - 1) != line) {
                throw new IllegalStateException("line changed on its way");
            }
        }
        HookResult result = hook.onMessage(session, new MailEnvelopeImpl());
        boolean refused = result.getResult().getAction() == HookReturnCode.Action.DENY;
        if (refused != expected) {
            throw new IllegalStateException("bare CR " + (expected ? "missed" : "seen where there is none"));
        }
    }
}
