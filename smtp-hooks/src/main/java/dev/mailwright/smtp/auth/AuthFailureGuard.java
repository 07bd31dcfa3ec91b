package dev.mailwright.smtp.auth;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerResultHandler;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.NetworkList;
import dev.mailwright.smtp.policy.NoOutput;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Verdict;

/**
 * Password guessing over SMTP AUTH. Every failed AUTH ({@code 535}) counts against the client address (IPv6: its
 * /64); after {@code maxFailures} within {@code window}, AUTH from that client is refused for {@code lockout} with
 * {@code 421 4.7.0 ... try again in N seconds}, and the connection is closed. Each failure's reply is also held back
 * for {@code failureDelay} without holding a network thread: the connection stops being read while the reply waits.
 * {@code <exemptNetworks>} (e.g. a webmail on loopback) are never locked.
 *
 * <p>Configure it before {@link AuthRequiresTlsHandler}, so that a locked client is refused whatever it tries.
 */
public class AuthFailureGuard implements CommandHandler<SMTPSession>, ProtocolHandlerResultHandler<Response, SMTPSession> {
    /** One timer thread for all delayed replies of the JVM: it only hands writes back to the network threads. */
    private static final ScheduledExecutorService DELAYS = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "mailwright-auth-delay");
        thread.setDaemon(true);
        return thread;
    });

    private final AuthFailures failures;
    private final Policy policy;
    private int maxFailures = 5;
    private Duration window = Duration.ofMinutes(15);
    private Duration lockout = Duration.ofMinutes(30);
    private Duration failureDelay = Duration.ofSeconds(2);
    private NetworkList exempt = NetworkList.empty();

    @Inject
    public AuthFailureGuard(AuthFailures failures, MetricFactory metricFactory) {
        this.failures = failures;
        this.policy = new Policy("auth-abuse", metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        maxFailures = settings.integer("maxFailures", maxFailures);
        if (maxFailures < 1) {
            throw settings.problem("maxFailures", "must be at least 1");
        }
        window = settings.duration("window", window);
        lockout = settings.duration("lockout", lockout);
        failureDelay = settings.duration("failureDelay", failureDelay);
        exempt = settings.networks("exemptNetworks");
    }

    @Override
    public Collection<String> getImplCommands() {
        return List.of("AUTH");
    }

    /** A locked client's AUTH: refused and disconnected. Otherwise the next AUTH handlers decide. */
    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (exempt.contains(Sessions.clientAddress(session))) {
            return null;
        }
        InetAddress client = Sessions.clientAddress(session);
        return failures.lockedFor(client)
            .map(seconds -> policy.respond(session, Decision.of(locked(AuthFailures.clientKey(client), seconds))
                .result("locked").connectionScope()))
            .orElse(null);
    }

    /** Watches AUTH outcomes: counts failures, locks the client at the limit, delays the failure reply. */
    @Override
    public Response onResponse(ProtocolSession session, Response response, long executionTime, ProtocolHandler handler) {
        if (response == null || !"535".equals(response.getRetCode()) || handler instanceof CommandDispatcher
            || !(session instanceof SMTPSession smtp) || exempt.contains(Sessions.clientAddress(smtp))) {
            return response;
        }
        InetAddress client = Sessions.clientAddress(smtp);
        AuthFailures.Failure failure = failures.failed(client, maxFailures, window, lockout);
        if (failure.lockedNow()) {
            // logged and counted now; enforced (or only reported) at the client's next AUTH
            policy.decide(smtp, Decision.of(locked(AuthFailures.clientKey(client), lockout.toSeconds())).result("lockout")
                .details("failures=" + failure.count()).connectionScope());
        }
        return delayed(smtp, response);
    }

    private static Verdict locked(String client, long seconds) {
        return Verdict.tempFail("421", "4.7.0", "Too many failed authentication attempts from " + client
            + ", try again in " + seconds + " seconds").disconnecting();
    }

    /**
     * Sends {@code response} after {@code failureDelay} instead of now, reading nothing from the client meanwhile.
     * Only possible on James's real sessions; elsewhere (and in report mode) the reply goes out at once. What is
     * returned meanwhile is an empty reply, not {@code null}: following result handlers must still get a response.
     */
    private Response delayed(SMTPSession session, Response response) {
        if (failureDelay.isZero() || policy.mode() == dev.mailwright.smtp.policy.PolicyMode.REPORT
            || !(session instanceof ProtocolSessionImpl real)) {
            return response;
        }
        ProtocolTransport transport = real.getProtocolTransport();
        transport.setReadable(false);
        DELAYS.schedule(() -> {
            transport.writeResponse(response, session);
            transport.setReadable(true);
        }, failureDelay.toMillis(), TimeUnit.MILLISECONDS);
        return new NoOutput(response.getRetCode());
    }
}
