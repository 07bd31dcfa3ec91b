package dev.mailwright.smtp.auth;

import java.util.Collection;
import java.util.List;

import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses the {@code AUTH} command altogether, for the inbound MX port (25).
 *
 * <p>An MX takes mail from other servers, which do not authenticate; users submit on 587/465, where the sender
 * identity rule applies. James 3.8.1 still executes AUTH on a port that does not advertise it
 * ({@code <announce>never</announce>}), and a session authenticated there may relay with any sender (port 25 has
 * no identity check), so an account's password would be enough to send mail as the CEO or as anyone else.
 * Answered, as Postfix does without SASL on that port:
 * {@code 503 5.5.1 Authentication not available on this port: submit mail on port 587 or 465}.
 */
public class NoAuthHandler implements CommandHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(NoAuthHandler.class);
    static final Response NOT_AVAILABLE = new SMTPResponse("503",
        "5.5.1 Authentication not available on this port: submit mail on port 587 or 465").immutable();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        LOGGER.info("smtp auth refused reason=\"no AUTH on this port\" client={}",
            session.getRemoteAddress().getAddress().getHostAddress());
        return NOT_AVAILABLE;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("AUTH");
    }
}
