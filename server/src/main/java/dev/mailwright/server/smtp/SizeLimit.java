package dev.mailwright.server.smtp;

import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.esmtp.MailSizeEsmtpExtension;

/**
 * James's message size limit (RFC 1870 SIZE, {@code maxmessagesize}) with one change: a message that goes past the
 * limit during DATA (no SIZE declared, or a false one) is answered {@code 552 5.3.4 Message size exceeds fixed maximum
 * message size}, as a declared SIZE over the limit already is at MAIL FROM, instead of James's bare
 * {@code 552 Quota exceeded}. The lines past the limit are read and dropped, never kept.
 */
public class SizeLimit extends MailSizeEsmtpExtension {
    static final String REPLY = "5.3.4 Message size exceeds fixed maximum message size";

    @Override
    public Response onLine(SMTPSession session, byte[] line, LineHandler<SMTPSession> next) {
        Response response = super.onLine(session, line, next);
        if (response != null && "552".equals(response.getRetCode()) && response.getLines().size() == 1
            && response.getLines().get(0).toString().endsWith("Quota exceeded")) {
            return new SMTPResponse("552", REPLY);
        }
        return response;
    }
}
