package dev.mailwright.mailets.delivery.nexthop;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import dev.mailwright.common.dns.DnsAnswer;
import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.mailets.outcome.SmtpReply;

/**
 * Finds where a domain's mail goes, through the server's DNS lookup layer ({@link DnsLookup}: the resolver of
 * {@code conf/dnsservice.xml}, deadlines, TTL cache): MX hosts by preference with random order among equals, the
 * domain itself when it has no MX (implicit MX, RFC 5321 5.1), and each host's IPv6 and IPv4 addresses, each answer
 * with its DNSSEC status (DANE needs it). A null MX (RFC 7505) or a domain that does not exist is a permanent
 * failure; a resolver failure is temporary.
 */
public final class NextHopResolver {

    /** MX host names in the order to try them; {@code secure}: the MX answer (or its absence) was DNSSEC-validated. */
    public record MxHosts(List<String> hosts, boolean secure) {
        public MxHosts {
            hosts = List.copyOf(hosts);
        }
    }

    /** A host's addresses (IPv6 first), empty when it has none; {@code secure}: every answer used was validated. */
    public record Addresses(List<InetAddress> addresses, boolean secure) {
        public Addresses {
            addresses = List.copyOf(addresses);
        }
    }

    private final DnsLookup dns;

    public NextHopResolver(DnsLookup dns) {
        this.dns = dns;
    }

    public MxHosts mxHosts(String domain) throws DeliveryFailure {
        DnsAnswer answer = dns.lookup(domain, Type.MX);
        return switch (answer.status()) {
            case FOUND -> new MxHosts(ordered(domain, answer.records()), answer.secure());
            case NO_RECORDS -> new MxHosts(List.of(domain), answer.secure());
            case NO_SUCH_NAME -> throw new DeliveryFailure(
                SmtpReply.local(550, "5.1.2", "Host or domain name not found: " + domain + " (NXDOMAIN)"));
            case TEMPORARY_FAILURE -> throw new DeliveryFailure(
                SmtpReply.local(451, "4.4.3", "DNS lookup of MX " + domain + " failed: " + answer.problem()));
        };
    }

    private static List<String> ordered(String domain, List<Record> records) throws DeliveryFailure {
        Map<Integer, List<String>> byPreference = new TreeMap<>();
        boolean nullMx = false;
        for (Record record : records) {
            if (record instanceof MXRecord mx) {
                if (mx.getTarget().equals(Name.root)) {
                    nullMx = true;
                    continue;
                }
                byPreference.computeIfAbsent(mx.getPriority(), p -> new ArrayList<>()).add(mx.getTarget().toString(true));
            }
        }
        if (byPreference.isEmpty()) {
            if (nullMx) {
                throw new DeliveryFailure(SmtpReply.local(556, "5.1.10",
                    "Recipient domain " + domain + " accepts no mail (null MX, RFC 7505)"));
            }
            return List.of(domain);
        }
        List<String> hosts = new ArrayList<>();
        byPreference.values().forEach(equals -> {
            Collections.shuffle(equals);
            hosts.addAll(equals);
        });
        return hosts;
    }

    /**
     * IPv6 addresses first, then IPv4; empty when the host has neither. When one of the two lookups fails but the
     * other gives addresses, those are used (a resolver that refuses AAAA must not stop IPv4 delivery).
     */
    public Addresses addresses(String host) throws DeliveryFailure {
        List<InetAddress> addresses = new ArrayList<>();
        boolean secure = true;
        DeliveryFailure failure = null;
        for (int type : new int[] {Type.AAAA, Type.A}) {
            DnsAnswer answer = dns.lookup(host, type);
            if (answer.isTemporaryFailure()) {
                failure = new DeliveryFailure(SmtpReply.local(451, "4.4.3",
                    "DNS lookup of " + Type.string(type) + " " + host + " failed: " + answer.problem()));
                continue;
            }
            secure &= answer.secure();
            for (Record record : answer.records()) {
                if (record instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                } else if (record instanceof ARecord a) {
                    addresses.add(a.getAddress());
                }
            }
        }
        if (addresses.isEmpty() && failure != null) {
            throw failure;
        }
        addresses.sort(Comparator.comparingInt(address -> address.getAddress().length == 16 ? 0 : 1));
        return new Addresses(addresses, secure && !addresses.isEmpty());
    }
}
