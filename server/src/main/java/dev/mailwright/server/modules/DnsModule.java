package dev.mailwright.server.modules;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;

import dev.mailwright.common.dns.DnsLookup;
import dev.mailwright.common.dns.ResolverDnsLookup;

/**
 * Replaces James's DNS service with {@link ConfiguredDnsService} (ports, timeouts, IPv6, DNSSEC). Used as an override:
 * James's own initialization (configure from {@code dnsservice.xml}, then init) then runs on our class. The DNS lookup
 * layer of the hooks and of the outbound delivery ({@link DnsLookup}: deadlines, TTL cache, DNSSEC status) is bound
 * to its resolver, not to dnsjava's global default.
 */
public class DnsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ConfiguredDnsService.class).in(Scopes.SINGLETON);
        bind(DNSJavaService.class).to(ConfiguredDnsService.class);
        bind(DNSService.class).to(ConfiguredDnsService.class);
    }

    @Provides
    @Singleton
    DnsLookup dnsLookup(ConfiguredDnsService dns) {
        return new ResolverDnsLookup(dns::resolver, dns::trustsAuthenticatedData);
    }
}
