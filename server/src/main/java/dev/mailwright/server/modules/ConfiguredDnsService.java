package dev.mailwright.server.modules;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.dnssec.ValidatingResolver;

import com.google.common.net.HostAndPort;
import com.google.common.net.InetAddresses;

/**
 * James's DNS service, configured by {@code conf/dnsservice.xml}, with what an MTA needs on top:
 * <ul>
 *   <li>{@code <server>} entries may carry a port ({@code 127.0.0.1:5353}, {@code [::1]:5353}): a deployment or a
 *       test can point the whole server at its own resolver (James 3.8.1 refuses any port but 53);</li>
 *   <li>{@code <timeout>} (default 5 s) bounds every query, since SMTP hooks wait for DNS on the network thread;</li>
 *   <li>host addresses are IPv4 and IPv6 (A and AAAA): James alone delivers over IPv4 only;</li>
 *   <li>{@code <dnssec>}: {@code off} (default), {@code validate} (dnsjava's validating resolver over the servers,
 *       with the trust anchors of {@code <trustAnchors>}, by default the root's from Debian's dns-root-data), or
 *       {@code resolver} (the servers validate, e.g. unbound on loopback, and their AD flag is believed). DANE
 *       needs one of the last two.</li>
 * </ul>
 * Its {@link #resolver()} is the one every lookup of the hooks and of the delivery uses ({@code DnsLookup}, bound by
 * {@link DnsModule}); it is no longer registered as dnsjava's global default unless {@code setAsDNSJavaDefault} is
 * set (for third-party code that relies on it).
 */
public class ConfiguredDnsService extends DNSJavaService {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConfiguredDnsService.class);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    static final Path DEFAULT_TRUST_ANCHORS = Path.of("/usr/share/dns/root.ds");

    /** Where DNSSEC validation happens, if anywhere. */
    public enum Dnssec {
        OFF, VALIDATE, RESOLVER;

        static Dnssec parse(String value) throws ConfigurationException {
            try {
                return valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("dnsservice.xml: <dnssec> must be off, validate or resolver, not '" + value + "'");
            }
        }
    }

    private final List<InetSocketAddress> servers = new ArrayList<>();
    private Duration timeout = DEFAULT_TIMEOUT;
    private boolean setAsDefault = false;
    private Dnssec dnssec = Dnssec.OFF;
    private Path trustAnchors = DEFAULT_TRUST_ANCHORS;

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
        setAsDefault = configuration.getBoolean("setAsDNSJavaDefault", false);
        dnssec = Dnssec.parse(configuration.getString("dnssec", "off"));
        trustAnchors = Path.of(configuration.getString("trustAnchors", DEFAULT_TRUST_ANCHORS.toString()));
        // James parses the rest (autodiscover, cache, search paths); the servers and the default registration are ours
        BaseHierarchicalConfiguration withoutServers = new BaseHierarchicalConfiguration(configuration);
        withoutServers.clearTree("servers");
        withoutServers.setProperty("setAsDNSJavaDefault", false);
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
        this.resolver = switch (dnssec) {
            case OFF -> configured;
            case VALIDATE -> validating(configured);
            case RESOLVER -> {
                requireLoopback(servers.isEmpty() ? Arrays.stream(getDNSServers()).map(ConfiguredDnsService::address).toList()
                    : servers.stream().map(InetSocketAddress::getAddress).toList());
                LOGGER.info("DNSSEC: the configured resolver validates; its AD flag is believed");
                yield configured;
            }
        };
        if (setAsDefault) {
            Lookup.setDefaultResolver(this.resolver);
        }
    }

    private Resolver validating(Resolver head) throws ConfigurationException {
        ValidatingResolver validating = new ValidatingResolver(head);
        byte[] anchors;
        int count = 0;
        try {
            anchors = Files.readAllBytes(trustAnchors);
            try (Master master = new Master(new ByteArrayInputStream(anchors), Name.root, 0)) {
                for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                    count += record.getType() == Type.DS || record.getType() == Type.DNSKEY ? 1 : 0;
                }
            }
            validating.loadTrustAnchors(new ByteArrayInputStream(anchors));
        } catch (IOException e) {
            throw new ConfigurationException("dnsservice.xml: <dnssec>validate</dnssec> needs trust anchors (DS or DNSKEY "
                + "records, e.g. Debian's dns-root-data /usr/share/dns/root.ds); cannot read " + trustAnchors + ": " + e, e);
        }
        if (count == 0) {
            throw new ConfigurationException("dnsservice.xml: no DS or DNSKEY record in the trust anchors " + trustAnchors);
        }
        validating.setTimeout(timeout);
        LOGGER.info("DNSSEC: answers are validated (trust anchors {})", trustAnchors);
        return validating;
    }

    /** Believing the AD flag is only safe when the path to the validating resolver cannot be tampered with. */
    private static void requireLoopback(List<InetAddress> addresses) throws ConfigurationException {
        for (InetAddress address : addresses) {
            if (address == null || !address.isLoopbackAddress()) {
                throw new ConfigurationException("dnsservice.xml: <dnssec>resolver</dnssec> believes the AD flag of the DNS "
                    + "servers, which is only safe for a validating resolver on this machine; " + address + " is not a "
                    + "loopback address (use <dnssec>validate</dnssec> to validate here)");
            }
        }
    }

    private static InetAddress address(String server) {
        try {
            return InetAddress.getByName(server);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The resolver every lookup goes through (validating when {@code <dnssec>validate</dnssec>}). */
    public Resolver resolver() {
        return resolver;
    }

    /** Whether answers marked authenticated (AD) by {@link #resolver()} were DNSSEC-validated. */
    public boolean trustsAuthenticatedData() {
        return dnssec != Dnssec.OFF;
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
