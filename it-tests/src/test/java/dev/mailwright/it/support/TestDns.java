package dev.mailwright.it.support;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.james.dnsservice.api.DNSService;

import com.google.common.net.InetAddresses;

/**
 * The DNS answers of a test: MX records (a target may carry a port, {@code 127.0.0.1:2525}, which James's delivery
 * honours) and address records. Names it does not know do not exist; IP literals resolve to themselves.
 */
public class TestDns implements DNSService {
    private final Map<String, List<String>> mx = new ConcurrentHashMap<>();
    private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
    private final Map<String, List<String>> txt = new ConcurrentHashMap<>();

    public TestDns mx(String domain, String... targets) {
        mx.put(domain.toLowerCase(), List.of(targets));
        return this;
    }

    public TestDns address(String host, String... ips) {
        addresses.put(host.toLowerCase(), java.util.Arrays.stream(ips).map(InetAddresses::forString).toList());
        return this;
    }

    public TestDns txt(String name, String... records) {
        txt.put(name.toLowerCase(), List.of(records));
        return this;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) {
        return mx.getOrDefault(hostname.toLowerCase(), List.of());
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return txt.getOrDefault(hostname.toLowerCase(), List.of());
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        if (InetAddresses.isInetAddress(host)) {
            return List.of(InetAddresses.forString(host));
        }
        List<InetAddress> known = addresses.get(host.toLowerCase());
        if (known == null || known.isEmpty()) {
            throw new UnknownHostException(host);
        }
        return known;
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return getAllByName(host).iterator().next();
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return InetAddress.getLoopbackAddress();
    }

    @Override
    public String getHostName(InetAddress address) {
        return address.getHostAddress();
    }
}
