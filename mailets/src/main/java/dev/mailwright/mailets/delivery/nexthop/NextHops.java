package dev.mailwright.mailets.delivery.nexthop;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.net.InetAddresses;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.mailets.delivery.smtp.Peer;
import dev.mailwright.mailets.delivery.smtp.TlsPolicy;
import dev.mailwright.mailets.outcome.SmtpReply;
import dev.mailwright.mailets.routing.Route;

/**
 * The next-hop part of the outbound delivery: for a destination, the hosts to try in order, each with the address to
 * connect to and the TLS policy it must meet. MX routes: the domain's MX hosts (or the domain itself), their IPv6 then
 * IPv4 addresses; {@code smtp:}/{@code lmtp:} routes: the route's host. The TLS policy of a host, strongest first:
 * DANE (RFC 7672) when its MX and addresses and TLSA records are DNSSEC-validated; MTA-STS (RFC 8461) when the domain
 * publishes an {@code enforce} policy; the route's {@code tls} level. DANE takes precedence over MTA-STS: a host with
 * usable TLSA records is used under DANE even if the MTA-STS policy does not name it.
 */
public final class NextHops {
    private static final Logger LOGGER = LoggerFactory.getLogger(NextHops.class);

    private final NextHopResolver resolver;
    private final MtaStsPolicies policies;
    private final DanePolicies dane;
    private final boolean mtaSts;

    public NextHops(NextHopResolver resolver, MtaStsPolicies policies, DnsLookup dns, boolean mtaSts) {
        this.resolver = resolver;
        this.policies = policies;
        this.dane = new DanePolicies(dns);
        this.mtaSts = mtaSts;
    }

    /** A host with its addresses and what DANE says of it, or why it cannot be used. */
    private record Host(String name, List<InetAddress> addresses, DanePolicies.Outcome dane, SmtpReply failure) {
        Optional<TlsPolicy> danePolicy() {
            return dane instanceof DanePolicies.Applies applies ? Optional.of(applies.policy()) : Optional.empty();
        }

        String noDaneReason() {
            return dane instanceof DanePolicies.NotApplicable notApplicable ? notApplicable.reason() : "";
        }
    }

    /**
     * The peers to try for {@code domain}'s recipients over {@code route}, best first; a {@link DeliveryFailure}
     * (temporary or permanent by its reply) when there is none.
     */
    public List<Peer> plan(Route route, String domain) throws DeliveryFailure {
        List<String> names;
        int port;
        String insecure = null;
        boolean implicitMx = false;
        if (route.kind() == Route.Kind.MX) {
            NextHopResolver.MxHosts mx = resolver.mxHosts(domain);
            names = mx.hosts();
            implicitMx = names.equals(List.of(domain));
            insecure = mx.secure() ? null : "the MX answer of " + domain + " is not DNSSEC-validated";
            port = 25;
        } else {
            names = List.of(route.host());
            port = route.port();
        }

        List<Host> hosts = new ArrayList<>();
        for (String name : names) {
            hosts.add(host(name, port, route.kind() == Route.Kind.MX ? domain : "", route, insecure));
        }

        Optional<MtaStsPolicy> policy = route.kind() == Route.Kind.MX && mtaSts ? policies.policyFor(domain) : Optional.empty();
        boolean enforce = policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.ENFORCE;
        if (enforce) {
            List<Host> allowed = hosts.stream()
                .filter(host -> host.danePolicy().isPresent() || policy.get().allows(host.name())).toList();
            if (allowed.isEmpty()) {
                throw new DeliveryFailure(SmtpReply.local(451, "4.7.5", "MTA-STS policy of " + domain
                    + " allows none of its MX hosts " + names + " (policy mx: " + policy.get().mxPatterns() + ")"));
            }
            hosts = allowed;
        } else if (policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.TESTING) {
            hosts.stream().filter(host -> !policy.get().allows(host.name())).forEach(host -> LOGGER.warn(
                "MTA-STS (testing) of {}: MX {} does not match the policy {}", domain, host.name(), policy.get().mxPatterns()));
        }

        List<Peer> peers = new ArrayList<>();
        SmtpReply lastFailure = null;
        for (Host host : hosts) {
            if (host.failure() != null) {
                lastFailure = host.failure();
                continue;
            }
            TlsPolicy tls = host.danePolicy().orElseGet(() -> {
                TlsPolicy chosen = enforce
                    ? new TlsPolicy(TlsPolicy.Level.VERIFY, "MTA-STS enforce (mx " + String.join(" ", policy.get().mxPatterns()) + ")")
                    : routePolicy(route);
                return host.noDaneReason().isEmpty() ? chosen : chosen.because(chosen.decision() + "; " + host.noDaneReason());
            });
            for (InetAddress address : host.addresses()) {
                peers.add(new Peer(host.name(), address, port, tls));
            }
        }
        if (peers.isEmpty()) {
            throw new DeliveryFailure(implicitMx && lastFailure != null && lastFailure.status().equals("4.4.4")
                ? SmtpReply.local(550, "5.1.2", "Host or domain name not found: " + domain + " has no MX and no address")
                : lastFailure);
        }
        return peers;
    }

    private Host host(String name, int port, String domain, Route route, String insecureMx) {
        if (InetAddresses.isInetAddress(name)) {
            return new Host(name, List.of(InetAddresses.forString(name)), new DanePolicies.NotApplicable(""), null);
        }
        NextHopResolver.Addresses addresses;
        try {
            addresses = resolver.addresses(name);
        } catch (DeliveryFailure failure) {
            return new Host(name, List.of(), null, failure.reply());
        }
        if (addresses.addresses().isEmpty()) {
            return new Host(name, List.of(), null, SmtpReply.local(451, "4.4.4", "no address for host " + name));
        }
        if (route.tls() == Route.TlsLevel.NONE) {
            return new Host(name, addresses.addresses(), new DanePolicies.NotApplicable(""), null);
        }
        String insecure = insecureMx != null ? insecureMx
            : addresses.secure() ? null : "the addresses of " + name + " are not DNSSEC-validated";
        DanePolicies.Outcome outcome = dane.forHost(name, port, domain, insecure);
        if (outcome instanceof DanePolicies.Unusable unusable) {
            return new Host(name, List.of(), outcome, unusable.failure());
        }
        return new Host(name, addresses.addresses(), outcome, null);
    }

    private static TlsPolicy routePolicy(Route route) {
        return switch (route.tls()) {
            case NONE -> new TlsPolicy(TlsPolicy.Level.NONE, "no TLS (route tls=none)");
            case MAY -> new TlsPolicy(TlsPolicy.Level.MAY, "opportunistic TLS");
            case REQUIRE -> new TlsPolicy(TlsPolicy.Level.VERIFY, "verified TLS (route tls=require)");
        };
    }
}
