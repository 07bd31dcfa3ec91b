package dev.mailwright.server.imap;

import java.util.Optional;
import java.util.Set;

import javax.inject.Provider;
import javax.inject.Singleton;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.imap.api.message.response.StatusResponseFactory;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.processor.DefaultProcessor;
import org.apache.james.imapserver.netty.IMAPServerFactory;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.server.core.configuration.ConfigurationProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.mailwright.smtp.auth.AuthFailures;

/**
 * Overrides James's IMAP bindings: the server factory ({@link MailwrightImapServerFactory}) and the processor,
 * wrapped in the {@link ImapAuthGuard} (settings: {@code <authFailureGuard>} of {@code imapserver.xml}) and in the
 * {@link AuthenticationObservingProcessor} that tells the {@link ImapAuthenticationListener}s of every login.
 */
public class ImapServerModule extends AbstractModule {
    @Provides
    @Singleton
    IMAPServerFactory serverFactory(FileSystem fileSystem, Provider<ImapDecoder> decoder, Provider<ImapEncoder> encoder,
                                    Provider<ImapProcessor> processor, MetricFactory metricFactory, GaugeRegistry gaugeRegistry) {
        return new MailwrightImapServerFactory(fileSystem, decoder, encoder, processor, metricFactory, gaugeRegistry);
    }

    @Provides
    ImapProcessor processor(DefaultProcessor processor, Set<ImapAuthenticationListener> listeners, AuthFailures failures,
                            StatusResponseFactory responses, ConfigurationProvider configuration) throws Exception {
        // the guard sees what James answers, as the listeners (ImapModule: default folders) do
        return new ImapAuthGuard(new AuthenticationObservingProcessor(processor, listeners), failures, responses,
            ImapAuthGuard.Limits.read(guardSettings(configuration)));
    }

    private static Optional<HierarchicalConfiguration<ImmutableNode>> guardSettings(ConfigurationProvider configuration) throws Exception {
        HierarchicalConfiguration<ImmutableNode> imap = configuration.getConfiguration("imapserver");
        return imap.configurationsAt("authFailureGuard").stream().findFirst();
    }
}
