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
 * Refuses the {@code AUTH} command on a connection that is not encrypted.
 *
 * <p>James 3.8.1 accepts {@code AUTH PLAIN} before STARTTLS even with {@code <requireSSL>true</requireSSL>} (that
 * setting only hides the EHLO keyword), so a client can send a password in clear text. This handler sees the AUTH
 * command before James's own handler (configured handlers run first) and answers
 * {@code 538 5.7.11 Encryption required for requested authentication mechanism} (RFC 4954) until TLS is active; after
 * STARTTLS, or on an implicit-TLS port, it steps aside and James authenticates as usual.
 */
public class AuthRequiresTlsHandler implements CommandHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(AuthRequiresTlsHandler.class);
    static final Response ENCRYPTION_REQUIRED =
        new SMTPResponse("538", "5.7.11 Encryption required for requested authentication mechanism").immutable();

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.isTLSStarted()) {
            return null;
        }
        LOGGER.info("AUTH refused before TLS from {}", session.getRemoteAddress().getAddress().getHostAddress());
        return ENCRYPTION_REQUIRED;
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("AUTH");
    }
}
