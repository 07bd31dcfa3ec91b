package dev.mailwright.server.imap;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.protocols.netty.ChannelHandlerFactory;
import org.apache.james.util.DurationParser;

import dev.mailwright.server.protocols.ConnectionSlots;
import dev.mailwright.server.protocols.IdleTimeout;
import dev.mailwright.server.protocols.SlotLimits;
import dev.mailwright.server.protocols.SlotSettings;
import dev.mailwright.server.protocols.TlsFailures;

import io.netty.channel.Channel;

/**
 * James's IMAP server with Mailwright's protections in its pipeline, in front of the line framer (added by the
 * framer factory, the one pipeline step James lets a subclass choose): {@link ConnectionSlots} (limits answered
 * with {@code * BYE}), an {@link IdleTimeout} before login ({@code loginTimeout}, default 60 s; after login James's
 * own 30-minute autologout applies) and the {@link ImapLiteralGuard}. James's own limit handlers are turned off:
 * they close without a word.
 */
public class MailwrightImapServer extends IMAPServer {
    static final Duration DEFAULT_LOGIN_TIMEOUT = Duration.ofSeconds(60);

    private LiteralLimits literalLimits;
    private SlotLimits slotLimits;
    private ConnectionSlots slots;

    public MailwrightImapServer(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, ImapMetrics imapMetrics,
                                GaugeRegistry gaugeRegistry) {
        super(decoder, encoder, processor, imapMetrics, gaugeRegistry);
    }

    @Override
    public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        Duration loginTimeout = DurationParser.parse(configuration.getString("loginTimeout", DEFAULT_LOGIN_TIMEOUT.toSeconds() + " seconds"));
        try {
            slotLimits = SlotSettings.read(configuration, connectionLimit, connPerIP, loginTimeout);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(getServiceType() + ": " + e.getMessage(), e);
        }
        connectionLimit = 0;
        connPerIP = 0;
        super.doConfigure(configuration);
        literalLimits = LiteralLimits.from(configuration);
    }

    @Override
    protected ChannelHandlerFactory createFrameHandlerFactory() {
        slots = new ConnectionSlots("imap", slotLimits, InetAddress::isLoopbackAddress, reason -> "* BYE " + capitalized(reason));
        ChannelHandlerFactory framer = super.createFrameHandlerFactory();
        TlsFailures tlsFailures = new TlsFailures("imap");
        return pipeline -> {
            if (pipeline.get(ImapLiteralGuard.NAME) == null) {
                Channel channel = pipeline.channel();
                pipeline.addLast(TlsFailures.NAME, tlsFailures);
                pipeline.addLast(ConnectionSlots.NAME, slots);
                pipeline.addLast(IdleTimeout.NAME, new IdleTimeout("imap", () -> loginTimeout(channel),
                    "* BYE Autologout; no login within the time allowed"));
                pipeline.addLast(ImapLiteralGuard.NAME, new ImapLiteralGuard(literalLimits));
                pipeline.addLast(ImapClientAddress.NAME, ImapClientAddress.INSTANCE);
            }
            return framer.create(pipeline);
        };
    }

    /** The idle time allowed before login (shorter under stress); none once the session is authenticated. */
    private Optional<Duration> loginTimeout(Channel channel) {
        ImapSession session = channel.attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
        if (session != null && session.getState() != ImapSessionState.NON_AUTHENTICATED) {
            return Optional.empty();
        }
        return Optional.of(slotLimits.idleTimeout(slots.total())).filter(timeout -> !timeout.isZero());
    }

    private static String capitalized(String text) {
        return text.isEmpty() ? text : Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
