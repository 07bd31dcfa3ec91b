package dev.mailwright.smtp.mime;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.DataLineFilter;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MessageHook;

/**
 * Refuses a message that contains a bare CR (a carriage return not followed by a line feed), at the end of its
 * DATA: {@code 554 5.6.0 Message refused: bare CR in the message, lines must end with CRLF}.
 *
 * <p>James 3.8.1 refuses bare LF (SMTP smuggling, CVE-2023-51747) but keeps bare CR as content: {@code \r.\r} in a
 * message we relay could be read as the end of the data by the next server, which would then take what follows as
 * a second message (SMTP smuggling). No mail written by a real client needs a bare CR. The lines are looked at as
 * they arrive; nothing is kept but a flag of the transaction.
 */
public class BareCarriageReturnHook implements DataLineFilter, MessageHook {
    private static final ProtocolSession.AttachmentKey<Boolean> BARE_CR =
        ProtocolSession.AttachmentKey.of("dev.mailwright.bareCr", Boolean.class);

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        if (hasBareCarriageReturn(line)) {
            session.setAttachment(BARE_CR, Boolean.TRUE, ProtocolSession.State.Transaction);
        }
        return next.onLine(session, line);
    }

    /** Whether a CR occurs anywhere but right before the line's final LF. */
    static boolean hasBareCarriageReturn(byte[] line) {
        int end = line.length;
        if (end >= 2 && line[end - 1] == '\n' && line[end - 2] == '\r') {
            end -= 2;
        }
        for (int i = 0; i < end; i++) {
            if (line[i] == '\r') {
                return true;
            }
        }
        return false;
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope envelope) {
        if (session.getAttachment(BARE_CR, ProtocolSession.State.Transaction).orElse(false)) {
            return HookResult.builder().hookReturnCode(HookReturnCode.deny()).smtpReturnCode("554")
                .smtpDescription("5.6.0 Message refused: bare CR in the message, lines must end with CRLF").build();
        }
        return HookResult.DECLINED;
    }
}
