package dev.mailwright.server.modules;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

/**
 * Replaces James's DNS service with {@link ConfiguredDnsService} (ports, timeouts, IPv6). Used as an override:
 * James's own initialization (configure from {@code dnsservice.xml}, then init) then runs on our class.
 */
public class DnsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ConfiguredDnsService.class).in(Scopes.SINGLETON);
        bind(DNSJavaService.class).to(ConfiguredDnsService.class);
        bind(DNSService.class).to(ConfiguredDnsService.class);
    }
}
