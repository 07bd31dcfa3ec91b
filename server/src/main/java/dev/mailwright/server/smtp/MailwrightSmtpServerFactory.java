package dev.mailwright.server.smtp;

import javax.inject.Inject;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.protocols.lib.handler.ProtocolHandlerLoader;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SMTPServerFactory;

import dev.mailwright.server.protocols.KnownClients;

/** Creates {@link MailwrightSmtpServer}s for the {@code <smtpserver>} elements of {@code smtpserver.xml}. */
public class MailwrightSmtpServerFactory extends SMTPServerFactory {
    private final KnownClients knownClients;

    @Inject
    public MailwrightSmtpServerFactory(DNSService dns, ProtocolHandlerLoader loader, FileSystem fileSystem,
                                       MetricFactory metricFactory, KnownClients knownClients) {
        super(dns, loader, fileSystem, metricFactory);
        this.knownClients = knownClients;
    }

    @Override
    protected SMTPServer createServer() {
        return new MailwrightSmtpServer(smtpMetrics, knownClients);
    }
}
