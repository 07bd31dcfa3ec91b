package dev.mailwright.server.modules;

import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.modules.protocols.SieveModule;
import org.apache.james.protocols.lib.netty.CertificateReloadable;
import org.apache.james.server.core.configuration.ConfigurationProvider;
import org.apache.james.util.LoggingLevel;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import dev.mailwright.server.sieve.ContentFiltersHealthCheck;
import dev.mailwright.server.sieve.TlsFirstManageSieveServerFactory;

/**
 * Content filtering and users' filters: the health check of rspamd and clamd (WebAdmin {@code /healthcheck}), and
 * James's ManageSieve server ({@code conf/managesieveserver.xml}) with TLS before AUTHENTICATE (in place of James's
 * {@code ManageSieveServerModule}, whose server factory cannot be given other commands).
 */
public class ContentFiltersModule extends AbstractModule {

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(ContentFiltersHealthCheck.class);

        install(new SieveModule());
        bind(TlsFirstManageSieveServerFactory.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), CertificateReloadable.Factory.class).addBinding().to(TlsFirstManageSieveServerFactory.class);
    }

    @ProvidesIntoSet
    InitializationOperation startManageSieve(ConfigurationProvider configurationProvider, TlsFirstManageSieveServerFactory factory) {
        return InitilizationOperationBuilder
            .forClass(TlsFirstManageSieveServerFactory.class)
            .init(() -> {
                factory.configure(configurationProvider.getConfiguration("managesieveserver", LoggingLevel.INFO));
                factory.init();
            });
    }
}
