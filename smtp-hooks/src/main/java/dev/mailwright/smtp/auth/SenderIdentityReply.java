package dev.mailwright.smtp.auth;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPRetCode;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.core.AbstractSenderAuthIdentifyVerificationHook;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.MailHook;

/**
 * The reply to a sender identity refusal ({@code verifyIdentity}: an authenticated user gives a sender address that
 * is not theirs). James 3.8.1 answers {@code 503 5.7.1 Incorrect Authentication for Specified Email Address}, and 503
 * means "bad sequence of commands": clients retry or show a baffling error. This handler rewrites that reply to
 * what Postfix answers ({@code reject_sender_login_mismatch}):
 * {@code 553 5.7.1 <bob@example.com>: Sender address rejected: not owned by user alice@example.com}.
 * Other results pass unchanged. No parameters.
 */
public class SenderIdentityReply implements HookResultHook, MailHook {
    private static final ProtocolSession.AttachmentKey<MaybeSender> ATTEMPTED =
        ProtocolSession.AttachmentKey.of("mailwright.identity-sender", MaybeSender.class);

    /** Remembers the sender of MAIL FROM: James sets it on the session only once MAIL is accepted. */
    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        session.setAttachment(ATTEMPTED, sender, ProtocolSession.State.Transaction);
        return HookResult.DECLINED;
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (!(hook instanceof AbstractSenderAuthIdentifyVerificationHook)
            || result.getResult().getAction() != HookReturnCode.Action.DENY
            || !SMTPRetCode.BAD_SEQUENCE.equals(result.getSmtpRetCode())
            || session.getUsername() == null) {
            return result;
        }
        String sender = session.getAttachment(SMTPSession.SENDER, ProtocolSession.State.Transaction)
            .or(() -> session.getAttachment(ATTEMPTED, ProtocolSession.State.Transaction))
            .map(MaybeSender::asString)
            .orElse("");
        return HookResult.builder()
            .hookReturnCode(result.getResult())
            .smtpReturnCode("553")
            .smtpDescription("5.7.1 <" + sender + ">: Sender address rejected: not owned by user "
                + session.getUsername().asString())
            .build();
    }
}
