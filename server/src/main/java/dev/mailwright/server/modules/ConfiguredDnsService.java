package dev.mailwright.server.modules;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.api.MetricFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;

/**
 * James's DNS service, configured by {@code conf/dnsservice.xml}, with what an MTA needs on top:
 * <ul>
 *   <li>{@code <server>} entries may carry a port ({@code 127.0.0.1:5353}, {@code [::1]:5353}): a deployment or a
 *       test can point the whole server at its own resolver (James 3.8.1 refuses any port but 53);</li>
 *   <li>{@code <timeout>} (default 5 s) bounds every query, since SMTP hooks wait for DNS on the network thread;</li>
 *   <li>host addresses are IPv4 and IPv6 (A and AAAA): James alone delivers over IPv4 only.</li>
 * </ul>
 * The resolver and cache are registered as dnsjava defaults ({@code setAsDNSJavaDefault}, on by default), so SPF,
 * DKIM, DMARC and delivery lookups go to the same servers.
 */
public class ConfiguredDnsService extends DNSJavaService {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConfiguredDnsService.class);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean setAsDefault = true;

    @Inject
    public ConfiguredDnsService(MetricFactory metricFactory) {
        super(metricFactory);
    }

    @Override
    public void configure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        servers.clear();
        for (String server : configuration.getStringArray("servers.server")) {
            servers.add(parseServer(server));
        }
        timeout = Duration.ofMillis(configuration.getLong("timeout", DEFAULT_TIMEOUT.toMillis()));
        setAsDefault = configuration.getBoolean("setAsDNSJavaDefault", true);
        // James parses the rest (autodiscover, cache, search paths); the servers are ours
        BaseHierarchicalConfiguration withoutServers = new BaseHierarchicalConfiguration(configuration);
        withoutServers.clearTree("servers");
        if (!servers.isEmpty()) {
            withoutServers.setProperty("autodiscover", false);
        }
        super.configure(withoutServers);
    }

    static InetSocketAddress parseServer(String value) throws ConfigurationException {
        try {
            HostAndPort hostAndPort = HostAndPort.fromString(value.strip()).withDefaultPort(53);
            String host = hostAndPort.getHost();
            InetAddress address = InetAddresses.isInetAddress(host) ? InetAddresses.forString(host) : InetAddress.getByName(host);
            return new InetSocketAddress(address, hostAndPort.getPort());
        } catch (IllegalArgumentException | UnknownHostException e) {
            throw new ConfigurationException("dnsservice.xml: '" + value + "' is not a DNS server address (host or host:port)", e);
        }
    }

    @Override
    public void init() throws Exception {
        super.init();
        List<Resolver> resolvers = new ArrayList<>();
        if (servers.isEmpty()) {
            // autodiscovered or default servers, as James found them (port 53)
            for (String server : getDNSServers()) {
                resolvers.add(new SimpleResolver(server));
            }
        } else {
            for (InetSocketAddress server : servers) {
                resolvers.add(new SimpleResolver(server));
                LOGGER.info("DNS server: {}", server);
            }
        }
        ExtendedResolver configured = new ExtendedResolver(resolvers);
        configured.setTimeout(timeout);
        configured.setRetries(2);
        this.resolver = configured;
        if (setAsDefault) {
            Lookup.setDefaultResolver(configured);
        }
    }

    /** IPv4 and IPv6 addresses of {@code host}, IPv4 first; IP literals as themselves. */
    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        String name = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (InetAddresses.isInetAddress(name)) {
            return List.of(InetAddresses.forString(name));
        }
        Set<InetAddress> addresses = new LinkedHashSet<>();
        Record[] a = lookupNoException(name, Type.A, "A");
        if (a != null) {
            for (Record record : a) {
                addresses.add(InetAddress.getByAddress(name, ((ARecord) record).getAddress().getAddress()));
            }
        }
        Record[] aaaa = lookupNoException(name, Type.AAAA, "AAAA");
        if (aaaa != null) {
            for (Record record : aaaa) {
                addresses.add(InetAddress.getByAddress(name, ((AAAARecord) record).getAddress().getAddress()));
            }
        }
        if (addresses.isEmpty()) {
            return super.getAllByName(host);
        }
        return List.copyOf(addresses);
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return getAllByName(host).iterator().next();
    }
}
