package dev.mailwright.smtp.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelopeImpl;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.junit.jupiter.api.Test;

import dev.mailwright.smtp.testing.FakeSession;

class BareCarriageReturnHookTest {
    private final BareCarriageReturnHook hook = new BareCarriageReturnHook();
    private final List<String> passedOn = new ArrayList<>();
    private final LineHandler<SMTPSession> next = new LineHandler<>() {
        @Override
        public Response onLine(SMTPSession session, byte[] line) {
            passedOn.add(new String(line, StandardCharsets.ISO_8859_1));
            return null;
        }
    };

    private static byte[] bytes(String line) {
        return line.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void findsACarriageReturnThatDoesNotEndTheLine() {
        assertThat(BareCarriageReturnHook.hasBareCarriageReturn(bytes("hello\r\n"))).isFalse();
        assertThat(BareCarriageReturnHook.hasBareCarriageReturn(bytes("\r\n"))).isFalse();
        assertThat(BareCarriageReturnHook.hasBareCarriageReturn(bytes("a\r.\r\n"))).isTrue();
        assertThat(BareCarriageReturnHook.hasBareCarriageReturn(bytes("\r.\r\r\n"))).isTrue();
        assertThat(BareCarriageReturnHook.hasBareCarriageReturn(bytes("text\r"))).isTrue();
    }

    @Test
    void aMessageWithABareCarriageReturnIsRefusedAtItsEnd() throws Exception {
        FakeSession session = new FakeSession("192.0.2.1");
        for (String line : List.of("Subject: x\r\n", "\r\n", "first\r.\rsecond\r\n", ".\r\n")) {
            hook.onLine(session, bytes(line), next);
        }

        HookResult result = hook.onMessage(session, new MailEnvelopeImpl());

        assertThat(passedOn).hasSize(4);
        assertThat(result.getSmtpRetCode()).isEqualTo("554");
        assertThat(result.getSmtpDescription()).startsWith("5.6.0");
    }

    @Test
    void anOrdinaryMessageIsDeclined() throws Exception {
        FakeSession session = new FakeSession("192.0.2.1");
        hook.onLine(session, bytes("Subject: x\r\n"), next);

        assertThat(hook.onMessage(session, new MailEnvelopeImpl())).isEqualTo(HookResult.DECLINED);
    }
}
