package dev.mailwright.server.smtp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.library.netmatcher.NetMatcher;
import org.apache.james.protocols.netty.AllButStartTlsLineChannelHandlerFactory;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.smtpserver.netty.SMTPServer;
import org.apache.james.smtpserver.netty.SmtpMetrics;

import dev.mailwright.server.protocols.AfterFramer;
import dev.mailwright.server.protocols.ConnectionSlots;
import dev.mailwright.server.protocols.IdleTimeout;
import dev.mailwright.server.protocols.KnownClients;
import dev.mailwright.server.protocols.LineTooLong;
import dev.mailwright.server.protocols.SlotLimits;
import dev.mailwright.server.protocols.SlotSettings;
import dev.mailwright.server.protocols.TlsFailures;

/**
 * James's SMTP server with Mailwright's connection handling in its pipeline, in front of the line framer:
 * {@link ConnectionSlots} (connection limits answered with {@code 421 4.7.0}, a reserve for known clients),
 * {@link IdleTimeout} ({@code 421 4.4.2} after {@code connectiontimeout}, 10 s under stress), {@link TlsFailures}
 * (one log line per failed handshake) and, after the framer,
 * {@link LineTooLong} (one answer to an over-long line). James's own limit and idle handlers are turned off: they
 * close without an answer, and the idle one only after twice the time.
 */
public class MailwrightSmtpServer extends SMTPServer {
    static final int DEFAULT_MAX_LINE_LENGTH = 65536;

    private final KnownClients knownClients;
    private DNSService dns;
    private String authorizedAddresses;
    private NetMatcher trusted;
    private SlotLimits slotLimits;
    private ConnectionSlots slots;
    private int maxLineLength;

    public MailwrightSmtpServer(SmtpMetrics metrics, KnownClients knownClients) {
        super(metrics);
        this.knownClients = knownClients;
    }

    @Override
    public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        super.doConfigure(configuration);
        try {
            slotLimits = SlotSettings.read(configuration, connectionLimit, connPerIP, Duration.ofSeconds(getTimeout()));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(getServiceType() + ": " + e.getMessage(), e);
        }
        maxLineLength = configuration.getInt("maxLineLength", DEFAULT_MAX_LINE_LENGTH);
        authorizedAddresses = configuration.getString("authorizedAddresses", null);
        connectionLimit = 0;
        connPerIP = 0;
        setTimeout(0);
    }

    @Override
    public void setDnsService(DNSService dns) {
        super.setDnsService(dns);
        this.dns = dns;
    }

    @Override
    protected void preInit() throws Exception {
        super.preInit();
        if (authorizedAddresses != null) {
            trusted = new NetMatcher(Arrays.asList(authorizedAddresses.split("[,\\s]+")), dns);
        }
    }

    @Override
    protected ChannelHandlerFactory createFrameHandlerFactory() {
        String hostName = getHelloName();
        slots = new ConnectionSlots("smtp", slotLimits, this::isKnown, reason -> "421 4.7.0 " + hostName + " Error: " + reason);
        ChannelHandlerFactory framer = new AllButStartTlsLineChannelHandlerFactory("starttls", maxLineLength);
        TlsFailures tlsFailures = new TlsFailures("smtp");
        return pipeline -> {
            pipeline.addLast(TlsFailures.NAME, tlsFailures);
            pipeline.addLast(ConnectionSlots.NAME, slots);
            pipeline.addLast(IdleTimeout.NAME, new IdleTimeout("smtp", () -> Optional.of(slotLimits.idleTimeout(slots.total()))
                .filter(timeout -> !timeout.isZero()), "421 4.4.2 " + hostName + " Error: timeout exceeded"));
            pipeline.addLast("afterFramer", new AfterFramer(LineTooLong.NAME, new LineTooLong(maxLineLength)));
            return framer.create(pipeline);
        };
    }

    private boolean isKnown(InetAddress client) {
        return knownClients.isKnown(client) || (trusted != null && trusted.matchInetNetwork(client.getHostAddress()));
    }
}
