package dev.mailwright.server.smtp;

import javax.inject.Inject;

import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.SendMailHandler;

import dev.mailwright.server.protocols.KnownClients;

/**
 * Remembers the address of every client whose message the server accepted (James's {@code SendMailHandler}
 * queued it and answered {@code 250}): {@link KnownClients} may then use the connection slots kept in reserve.
 * Changes no result. Configured in each {@code <handlerchain>} of {@code smtpserver.xml}.
 */
public class KnownClientHook implements HookResultHook {
    private final KnownClients knownClients;

    @Inject
    public KnownClientHook(KnownClients knownClients) {
        this.knownClients = knownClients;
    }

    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (hook instanceof SendMailHandler && result.getResult().getAction() == HookReturnCode.Action.OK) {
            knownClients.delivered(session.getRemoteAddress().getAddress());
        }
        return result;
    }
}
