package dev.mailwright.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelopeImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.mailwright.smtp.mime.BareCarriageReturnHook;
import dev.mailwright.smtp.testing.FakeSession;

/** Fuzz test, see docs/hardening.md (Fuzzing). */
class BareCarriageReturnFuzzTest {
    /**
     * DATA lines: a message is refused (554 5.6.0) exactly when a line has a carriage return that does not end it,
     * and every line is passed on unchanged.
     */
    @FuzzTest(maxDuration = "10s")
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
