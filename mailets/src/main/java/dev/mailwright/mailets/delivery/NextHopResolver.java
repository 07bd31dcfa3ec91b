package dev.mailwright.mailets.delivery;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Finds where a domain's mail goes, through the server's resolver (dnsjava's default resolver, which the server
 * points at {@code conf/dnsservice.xml}): MX hosts by preference with random order among equals, the domain itself
 * when it has no MX (implicit MX, RFC 5321 5.1), and each host's IPv6 and IPv4 addresses. A null MX (RFC 7505) or a
 * domain that does not exist is a permanent failure; a resolver failure is temporary.
 */
class NextHopResolver {

    /** MX host names in the order to try them. */
    List<String> mxHosts(String domain) throws DeliveryFailure {
        Lookup lookup = lookup(domain, Type.MX);
        Record[] records = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> {
                return ordered(domain, records);
            }
            case Lookup.TYPE_NOT_FOUND -> {
                return List.of(domain);
            }
            case Lookup.HOST_NOT_FOUND -> throw new DeliveryFailure(
                SmtpReply.local(550, "5.1.2", "Host or domain name not found: " + domain + " (NXDOMAIN)"));
            default -> throw new DeliveryFailure(
                SmtpReply.local(451, "4.4.3", "DNS lookup of MX " + domain + " failed: " + lookup.getErrorString()));
        }
    }

    private static List<String> ordered(String domain, Record[] records) throws DeliveryFailure {
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
    List<InetAddress> addresses(String host) throws DeliveryFailure {
        List<InetAddress> addresses = new ArrayList<>();
        boolean exists = false;
        DeliveryFailure failure = null;
        for (int type : new int[] {Type.AAAA, Type.A}) {
            Lookup lookup = lookup(host, type);
            Record[] records = lookup.run();
            switch (lookup.getResult()) {
                case Lookup.SUCCESSFUL -> {
                    exists = true;
                    for (Record record : records) {
                        if (record instanceof AAAARecord aaaa) {
                            addresses.add(aaaa.getAddress());
                        } else if (record instanceof ARecord a) {
                            addresses.add(a.getAddress());
                        }
                    }
                }
                case Lookup.TYPE_NOT_FOUND -> exists = true;
                case Lookup.HOST_NOT_FOUND -> {
                    // the other type will say the same
                }
                default -> failure = new DeliveryFailure(SmtpReply.local(451, "4.4.3",
                    "DNS lookup of " + Type.string(type) + " " + host + " failed: " + lookup.getErrorString()));
            }
        }
        if (addresses.isEmpty() && failure != null) {
            throw failure;
        }
        if (!exists) {
            return List.of();
        }
        addresses.sort(Comparator.comparingInt(address -> address.getAddress().length == 16 ? 0 : 1));
        return addresses;
    }

    private static Lookup lookup(String name, int type) throws DeliveryFailure {
        try {
            return new Lookup(name.endsWith(".") ? name : name + ".", type);
        } catch (TextParseException e) {
            throw new DeliveryFailure(SmtpReply.local(550, "5.1.2", "Invalid domain name " + name));
        }
    }
}
