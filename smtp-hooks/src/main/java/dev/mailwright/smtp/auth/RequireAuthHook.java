package dev.mailwright.smtp.auth;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * For submission ports (587, 465): no mail transaction without authentication, whatever the recipient.
 *
 * <p>James only requires AUTH to relay to other domains; on a submission port a client that did not log in could
 * still send to local users. This hook answers {@code 530 5.7.0 Authentication required} at MAIL FROM instead.
 */
public class RequireAuthHook implements MailHook {
    static final HookResult AUTHENTICATION_REQUIRED = HookResult.builder()
        .hookReturnCode(HookReturnCode.deny())
        .smtpReturnCode("530")
        .smtpDescription("5.7.0 Authentication required")
        .build();

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (session.getUsername() == null) {
            return AUTHENTICATION_REQUIRED;
        }
        return HookResult.DECLINED;
    }
}
