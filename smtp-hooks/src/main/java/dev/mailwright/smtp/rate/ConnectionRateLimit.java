package dev.mailwright.smtp.rate;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.ConnectHandler;
import org.apache.james.protocols.smtp.SMTPSession;

import dev.mailwright.smtp.policy.Decision;
import dev.mailwright.smtp.policy.LocalCounters;
import dev.mailwright.smtp.policy.NetworkList;
import dev.mailwright.smtp.policy.NoOutput;
import dev.mailwright.smtp.policy.Policy;
import dev.mailwright.smtp.policy.Settings;
import dev.mailwright.smtp.policy.Sessions;
import dev.mailwright.smtp.policy.Verdict;

/**
 * New connections per client per window ({@code <connectionsPerClient>}, e.g. {@code 60/1m}): over the limit the
 * greeting is {@code 421 4.7.0 ... try again in N seconds} and the connection is closed. James's own
 * {@code connectionLimitPerIP} bounds simultaneous connections; this bounds how fast a client may open them.
 * Clients allowed to relay and {@code <exemptNetworks>} are not counted.
 */
public class ConnectionRateLimit implements ConnectHandler<SMTPSession> {
    private static final String NAMESPACE = "rate-connections";
    private static final Response ACCEPTED = new NoOutput("220");

    private final LocalCounters counters;
    private final Policy policy;
    private Optional<RateLimit> limit = Optional.empty();
    private NetworkList exempt = NetworkList.empty();

    @Inject
    public ConnectionRateLimit(LocalCounters counters, MetricFactory metricFactory) {
        this.counters = counters;
        this.policy = new Policy("rate-connections", metricFactory);
    }

    @Override
    public void init(Configuration configuration) throws ConfigurationException {
        Settings settings = new Settings(getClass().getSimpleName(), configuration);
        policy.configure(settings);
        limit = RateLimit.read(settings, "connectionsPerClient");
        exempt = settings.networks("exemptNetworks");
    }

    /** Counts the connection; over the limit, the 421 that ends it. Otherwise nothing is sent (the greeting follows). */
    @Override
    public Response onConnect(SMTPSession session) {
        if (limit.isEmpty() || session.isRelayingAllowed() || exempt.contains(Sessions.clientAddress(session))) {
            return ACCEPTED;
        }
        RateLimit rate = limit.get();
        String client = ClientKey.of(Sessions.clientAddress(session));
        long count = counters.hit(NAMESPACE, client, rate.window());
        if (count <= rate.max()) {
            return ACCEPTED;
        }
        long wait = counters.endOf(NAMESPACE, client).map(counters::secondsUntil).orElse(rate.window().toSeconds());
        Verdict verdict = Verdict.tempFail("421", "4.7.0", "Too many connections from " + client + " (limit "
            + rate.describe() + "), try again in " + wait + " seconds").disconnecting();
        Response refusal = policy.respond(session, Decision.of(verdict).result("over-limit").details("count=" + count).connectionScope());
        return refusal == null ? ACCEPTED : refusal;
    }
}
