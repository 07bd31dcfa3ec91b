package dev.mailwright.mailets.delivery.nexthop;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

import dev.mailwright.mailets.delivery.smtp.Peer;
import dev.mailwright.mailets.delivery.smtp.TlsPolicy;
import dev.mailwright.mailets.outcome.SmtpReply;
import dev.mailwright.mailets.routing.Route;

/**
 * The next-hop part of the outbound delivery: for a destination, the hosts to try in order, each with the address to
 * connect to and the TLS policy it must meet. MX routes: the domain's MX hosts (or the domain itself), their IPv6 then
 * IPv4 addresses, and MTA-STS (RFC 8461) when the domain publishes a policy; {@code smtp:}/{@code lmtp:} routes: the
 * route's host. The route's {@code tls} level applies unless a policy demands more.
 */
public final class NextHops {
    private static final Logger LOGGER = LoggerFactory.getLogger(NextHops.class);

    private final NextHopResolver resolver;
    private final MtaStsPolicies policies;
    private final boolean mtaSts;

    public NextHops(NextHopResolver resolver, MtaStsPolicies policies, boolean mtaSts) {
        this.resolver = resolver;
        this.policies = policies;
        this.mtaSts = mtaSts;
    }

    /**
     * The peers to try for {@code domain}'s recipients over {@code route}, best first; a {@link DeliveryFailure}
     * (temporary or permanent by its reply) when there is none.
     */
    public List<Peer> plan(Route route, String domain) throws DeliveryFailure {
        List<String> hosts;
        int port;
        TlsPolicy tls = routePolicy(route);
        boolean implicitMx = false;
        if (route.kind() == Route.Kind.MX) {
            hosts = resolver.mxHosts(domain).hosts();
            implicitMx = hosts.equals(List.of(domain));
            port = 25;
            Optional<MtaStsPolicy> policy = mtaSts ? policies.policyFor(domain) : Optional.empty();
            if (policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.ENFORCE) {
                List<String> allowed = hosts.stream().filter(policy.get()::allows).toList();
                if (allowed.isEmpty()) {
                    throw new DeliveryFailure(SmtpReply.local(451, "4.7.5", "MTA-STS policy of " + domain
                        + " allows none of its MX hosts " + hosts + " (policy mx: " + policy.get().mxPatterns() + ")"));
                }
                hosts = allowed;
                tls = new TlsPolicy(TlsPolicy.Level.VERIFY, "MTA-STS enforce (mx " + String.join(" ", policy.get().mxPatterns()) + ")");
            } else if (policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.TESTING) {
                hosts.stream().filter(host -> !policy.get().allows(host)).forEach(host -> LOGGER.warn(
                    "MTA-STS (testing) of {}: MX {} does not match the policy {}", domain, host, policy.get().mxPatterns()));
            }
        } else {
            hosts = List.of(route.host());
            port = route.port();
        }

        List<Peer> peers = new ArrayList<>();
        SmtpReply lastFailure = null;
        for (String host : hosts) {
            try {
                List<InetAddress> addresses = InetAddresses.isInetAddress(host)
                    ? List.of(InetAddresses.forString(host)) : resolver.addresses(host).addresses();
                if (addresses.isEmpty()) {
                    lastFailure = SmtpReply.local(451, "4.4.4", "no address for host " + host);
                }
                for (InetAddress address : addresses) {
                    peers.add(new Peer(host, address, port, tls));
                }
            } catch (DeliveryFailure failure) {
                lastFailure = failure.reply();
            }
        }
        if (peers.isEmpty()) {
            throw new DeliveryFailure(implicitMx && lastFailure != null && lastFailure.status().equals("4.4.4")
                ? SmtpReply.local(550, "5.1.2", "Host or domain name not found: " + domain + " has no MX and no address")
                : lastFailure);
        }
        return peers;
    }

    private static TlsPolicy routePolicy(Route route) {
        return switch (route.tls()) {
            case NONE -> new TlsPolicy(TlsPolicy.Level.NONE, "no TLS (route tls=none)");
            case MAY -> new TlsPolicy(TlsPolicy.Level.MAY, "opportunistic TLS");
            case REQUIRE -> new TlsPolicy(TlsPolicy.Level.VERIFY, "verified TLS (route tls=require)");
        };
    }
}
