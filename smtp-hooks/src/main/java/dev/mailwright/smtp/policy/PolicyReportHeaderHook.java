package dev.mailwright.smtp.policy;

import java.util.List;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes what report-mode policies would have refused into the accepted message, one header field per refusal:
 * <pre>X-Mailwright-Policy: greylist; mode=report; rcpt=&lt;bob@example.com&gt; would-reply="451 4.7.1 ..."</pre>
 * Any {@code X-Mailwright-Policy} field the message arrived with is removed first: only this server writes it.
 * Place it after the other end-of-DATA policy hooks, so that their report-mode verdicts are included.
 */
public class PolicyReportHeaderHook implements JamesMessageHook {
    public static final String HEADER = "X-Mailwright-Policy";
    private static final Logger LOGGER = LoggerFactory.getLogger(PolicyReportHeaderHook.class);

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        try {
            MimeMessage message = mail.getMessage();
            HeaderEdit.removeMatching(message, HEADER, value -> true);
            List<String> entries = ReportedVerdicts.forMessage(session);
            for (String entry : entries) {
                message.addHeader(HEADER, entry);
            }
        } catch (MessagingException e) {
            // the message is still accepted: the decisions are in the log
            LOGGER.warn("Could not write {} into {}: {}", HEADER, mail.getName(), e.getMessage());
        }
        return HookResult.DECLINED;
    }
}
