package dev.mailwright.server.modules;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.server.MailetContainerModule;
import org.apache.james.server.core.configuration.ConfigurationProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;

import dev.mailwright.mailets.dns.MailServerName;

/**
 * What makes the James container a Mailwright server: the {@code ${mailwright:...}} variables in the XML, and no
 * silent fallback to a built-in mailet configuration.
 */
public class ServerBasicsModule extends AbstractModule {
    private final ServerVariables variables;

    public ServerBasicsModule(ServerVariables variables) {
        this.variables = variables;
    }

    @Override
    protected void configure() {
        bind(ServerVariables.class).toInstance(variables);
        bind(MailServerName.class).toInstance(variables::hostname);
        bind(MailetContainerModule.DefaultProcessorsConfigurationSupplier.class).toInstance(() -> {
            throw new IllegalStateException("conf/mailetcontainer.xml must define <processors>");
        });
    }

    @Provides
    @Singleton
    ConfigurationProvider provideConfigurationProvider(FileSystem fileSystem) {
        return new MailwrightConfigurationProvider(fileSystem, variables);
    }
}
