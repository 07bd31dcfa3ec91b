package dev.mailwright.server.modules;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.ProvidesIntoSet;

/** Replaces James's DNS service with {@link ConfiguredDnsService} (ports, timeouts, IPv6). */
public class DnsModule extends AbstractModule {
    @Override
    protected void configure() {
        bind(ConfiguredDnsService.class).in(Scopes.SINGLETON);
        bind(DNSJavaService.class).to(ConfiguredDnsService.class);
        bind(DNSService.class).to(ConfiguredDnsService.class);
    }

    @ProvidesIntoSet
    InitializationOperation configureDns(ConfigurationProvider configurationProvider, ConfiguredDnsService dns) {
        return InitilizationOperationBuilder
            .forClass(ConfiguredDnsService.class)
            .init(() -> {
                dns.configure(configurationProvider.getConfiguration("dnsservice"));
                dns.init();
            });
    }
}
