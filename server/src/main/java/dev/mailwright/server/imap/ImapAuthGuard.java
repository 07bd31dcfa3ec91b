package dev.mailwright.server.imap;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.request.ImapRequest;
import org.apache.james.imap.api.message.response.ImapResponseMessage;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.message.request.AuthenticateRequest;
import org.apache.james.imap.message.request.LoginRequest;
import org.apache.james.imap.api.ImapMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mailwright.smtp.auth.AuthFailures;
import dev.mailwright.smtp.log.LogValues;
import dev.mailwright.smtp.policy.NetworkList;
import dev.mailwright.smtp.policy.Settings;

import reactor.core.publisher.Mono;

/**
 * Password guessing over IMAP (LOGIN, AUTHENTICATE), counted with SMTP AUTH's failures per client address
 * ({@link AuthFailures}): after {@code maxFailures} within {@code window}, logins from that client are answered
 * {@code NO [ALERT] LOGIN Too many failed logins ...} for {@code lockout}, whether it guessed over SMTP or IMAP.
 * A failed LOGIN's answer is held back {@code failureDelay}. Each failure is one log line
 * ({@code imap auth failed client=IP user=NAME}) and each refusal too. Wraps James's IMAP processor.
 */
public class ImapAuthGuard implements ImapProcessor {
    private static final Logger LOGGER = LoggerFactory.getLogger(ImapAuthGuard.class);
    private static final Set<String> FAILURE_TEXTS = Set.of(HumanReadableText.INVALID_LOGIN.getKey(),
        HumanReadableText.AUTHENTICATION_FAILED.getKey(), HumanReadableText.TOO_MANY_FAILURES.getKey());

    private final ImapProcessor delegate;
    private final AuthFailures failures;
    private final StatusResponseFactory responses;
    private final Limits limits;

    /** The guard's settings ({@code <authFailureGuard>} of {@code imapserver.xml}). */
    record Limits(int maxFailures, Duration window, Duration lockout, Duration failureDelay, NetworkList exempt) {
        static final Limits DEFAULT = new Limits(10, Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofSeconds(2),
            NetworkList.parse(java.util.List.of("127.0.0.1/32", "::1/128")));

        static Limits read(Optional<HierarchicalConfiguration<ImmutableNode>> configuration) throws ConfigurationException {
            if (configuration.isEmpty()) {
                return DEFAULT;
            }
            Settings settings = new Settings("authFailureGuard", configuration.get());
            int maxFailures = settings.integer("maxFailures", DEFAULT.maxFailures());
            if (maxFailures < 1) {
                throw settings.problem("maxFailures", "must be at least 1");
            }
            return new Limits(maxFailures, settings.duration("window", DEFAULT.window()), settings.duration("lockout", DEFAULT.lockout()),
                settings.duration("failureDelay", DEFAULT.failureDelay()),
                settings.string("exemptNetworks").isPresent() ? settings.networks("exemptNetworks") : DEFAULT.exempt());
        }
    }

    public ImapAuthGuard(ImapProcessor delegate, AuthFailures failures, StatusResponseFactory responses, Limits limits) {
        this.delegate = delegate;
        this.failures = failures;
        this.responses = responses;
        this.limits = limits;
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        delegate.configure(imapConfiguration);
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        InetAddress client = ImapClientAddress.of(session);
        if (!(message instanceof LoginRequest || message instanceof AuthenticateRequest) || client == null
            || limits.exempt().contains(client)) {
            return delegate.processReactive(message, responder, session);
        }
        ImapRequest request = (ImapRequest) message;
        String user = message instanceof LoginRequest login ? LogValues.quoteIfNeeded(login.getUserid().asString()) : "-";
        Optional<Long> locked = failures.lockedFor(client);
        if (locked.isPresent()) {
            LOGGER.warn("imap auth refused reason=\"locked out\" client={} user={}", client.getHostAddress(), user);
            return Mono.fromRunnable(() -> {
                responder.respond(responses.taggedNo(request.getTag(), request.getCommand(),
                    new HumanReadableText("dev.mailwright.imap.LOCKED", "Too many failed logins from " + AuthFailures.clientKey(client)
                        + ", try again in " + locked.get() + " seconds"),
                    StatusResponse.ResponseCode.alert()));
                responder.flush();
            });
        }
        Watcher watcher = new Watcher(responder, client, user, message instanceof LoginRequest);
        return delegate.processReactive(message, watcher, session).then(Mono.defer(watcher::afterProcessing));
    }

    /** Forwards the answers, counts a failure, and holds back a failed LOGIN's answer until after the delay. */
    private final class Watcher implements Responder {
        private final Responder responder;
        private final InetAddress client;
        private final String user;
        private final boolean delayable;
        private final AtomicReference<ImapResponseMessage> heldBack = new AtomicReference<>();
        private volatile boolean processed;

        Watcher(Responder responder, InetAddress client, String user, boolean delayable) {
            this.responder = responder;
            this.client = client;
            this.user = user;
            this.delayable = delayable;
        }

        @Override
        public void respond(ImapResponseMessage message) {
            if (message instanceof StatusResponse status && isFailure(status)) {
                AuthFailures.Failure failure = failures.failed(client, limits.maxFailures(), limits.window(), limits.lockout());
                LOGGER.warn("imap auth failed client={} user={} failures={}{}", client.getHostAddress(), user, failure.count(),
                    failure.lockedNow() ? " locked-out-for=" + limits.lockout().toSeconds() + "s" : "");
                if (delayable && !processed && !limits.failureDelay().isZero() && heldBack.compareAndSet(null, message)) {
                    return;
                }
            }
            responder.respond(message);
        }

        @Override
        public void flush() {
            if (heldBack.get() == null) {
                responder.flush();
            }
        }

        Mono<Void> afterProcessing() {
            processed = true;
            ImapResponseMessage held = heldBack.get();
            if (held == null) {
                return Mono.empty();
            }
            return Mono.delay(limits.failureDelay()).then(Mono.fromRunnable(() -> {
                responder.respond(held);
                responder.flush();
            }));
        }
    }

    private static boolean isFailure(StatusResponse status) {
        return (status.getServerResponseType() == StatusResponse.Type.NO || status.getServerResponseType() == StatusResponse.Type.BYE)
            && status.getTextKey() != null && FAILURE_TEXTS.contains(status.getTextKey().getKey());
    }
}
