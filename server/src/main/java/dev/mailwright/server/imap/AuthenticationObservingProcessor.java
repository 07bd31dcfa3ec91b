package dev.mailwright.server.imap;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.IRAuthenticateRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.processor.DefaultProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.apache.james.imap.api.ImapMessage;

import reactor.core.publisher.Mono;

/**
 * James's IMAP processor, with the outcome of every LOGIN and AUTHENTICATE told to the
 * {@link ImapAuthenticationListener}s (the default folders at first login, {@link DefaultFolders}; anything else
 * that must react to logins: a listener is one Guice multibinding). James 3.8.1 has no event for it.
 *
 * <p>It watches the answers of the command instead of changing James's processors: the final tagged OK/NO/BAD of
 * LOGIN or AUTHENTICATE (also when AUTHENTICATE's credentials come on a continuation line), or the BYE James sends
 * after three failures on one connection.
 */
public class AuthenticationObservingProcessor implements ImapProcessor {
    private static final Logger LOGGER = LoggerFactory.getLogger(AuthenticationObservingProcessor.class);

    private final ImapProcessor delegate;
    private final Set<ImapAuthenticationListener> listeners;

    @Inject
    public AuthenticationObservingProcessor(DefaultProcessor delegate, Set<ImapAuthenticationListener> listeners) {
        this((ImapProcessor) delegate, listeners);
    }

    AuthenticationObservingProcessor(ImapProcessor delegate, Set<ImapAuthenticationListener> listeners) {
        this.delegate = delegate;
        this.listeners = listeners;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        return delegate.processReactive(message, observed(message, responder, session), session);
    }

    @Override
    public void process(ImapMessage message, Responder responder, ImapSession session) {
        delegate.process(message, observed(message, responder, session), session);
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        delegate.configure(imapConfiguration);
    }

    private Responder observed(ImapMessage message, Responder responder, ImapSession session) {
        if (message instanceof LoginRequest login) {
            return new Observing(responder, session, login, Optional.of(login.getUserid().asString()), "LOGIN");
        }
        if (message instanceof AuthenticateRequest authenticate) {
            Optional<String> user = authenticate instanceof IRAuthenticateRequest initial
                ? plainUser(authenticate.getAuthType(), initial.getInitialClientResponse()) : Optional.empty();
            return new Observing(responder, session, authenticate, user, authenticate.getAuthType().toUpperCase(java.util.Locale.ROOT));
        }
        return responder;
    }

    /** The authentication identity of a SASL PLAIN response ({@code authzid NUL authcid NUL password}). */
    static Optional<String> plainUser(String mechanism, String initialResponse) {
        if (!"PLAIN".equalsIgnoreCase(mechanism) || initialResponse == null) {
            return Optional.empty();
        }
        try {
            String[] parts = new String(Base64.getDecoder().decode(initialResponse.strip()), StandardCharsets.UTF_8).split("\0", -1);
            return parts.length == 3 && !parts[1].isEmpty() ? Optional.of(parts[1]) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The client's address, as {@link ImapClientAddress} recorded it in the session. */
    static String clientAddress(ImapSession session) {
        java.net.InetAddress address = ImapClientAddress.of(session);
        return address == null ? "unknown" : address.getHostAddress();
    }

    private final class Observing implements Responder {
        private final Responder responder;
        private final ImapSession session;
        private final ImapRequest request;
        private final Optional<String> user;
        private final String mechanism;
        private boolean told;

        Observing(Responder responder, ImapSession session, ImapRequest request, Optional<String> user, String mechanism) {
            this.responder = responder;
            this.session = session;
            this.request = request;
            this.user = user;
            this.mechanism = mechanism;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (!told && message instanceof StatusResponse status && isOutcome(status)) {
                told = true;
                tell(status);
            }
            responder.respond(message);
        }

        private boolean isOutcome(StatusResponse status) {
            return request.getTag().equals(status.getTag()) || status.getServerResponseType() == StatusResponse.Type.BYE;
        }

        private void tell(StatusResponse status) {
            boolean succeeded = status.getServerResponseType() == StatusResponse.Type.OK;
            String reply = status.getServerResponseType().getCode()
                + Optional.ofNullable(status.getCommand()).map(command -> " " + command.getName()).orElse("")
                + Optional.ofNullable(status.getTextKey()).map(text -> " " + text.getDefaultValue()).orElse("");
            ImapAuthentication authentication = new ImapAuthentication(clientAddress(session), user, mechanism,
                session.isTLSActive(), succeeded, reply);
            for (ImapAuthenticationListener listener : listeners) {
                try {
                    if (succeeded) {
                        listener.authenticated(authentication, session);
                    } else {
                        listener.failed(authentication, session);
                    }
                } catch (RuntimeException e) {
                    LOGGER.warn("IMAP authentication listener {} failed", listener.getClass().getSimpleName(), e);
                }
            }
        }

        @Override
        public void flush() {
            responder.flush();
        }
    }
}
