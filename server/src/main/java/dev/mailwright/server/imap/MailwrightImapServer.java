package dev.mailwright.server.imap;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.protocols.netty.ChannelHandlerFactory;

/**
 * James's IMAP server with Mailwright's protections in its pipeline: the {@link ImapLiteralGuard} in front of the
 * line framer (it is added by the framer factory, the one pipeline step James lets a subclass choose).
 */
public class MailwrightImapServer extends IMAPServer {
    private LiteralLimits literalLimits;

    public MailwrightImapServer(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, ImapMetrics imapMetrics,
                                GaugeRegistry gaugeRegistry) {
        super(decoder, encoder, processor, imapMetrics, gaugeRegistry);
    }

    @Override
    public void doConfigure(HierarchicalConfiguration<ImmutableNode> configuration) throws ConfigurationException {
        super.doConfigure(configuration);
        literalLimits = LiteralLimits.from(configuration);
    }

    @Override
    protected ChannelHandlerFactory createFrameHandlerFactory() {
        ChannelHandlerFactory framer = super.createFrameHandlerFactory();
        return pipeline -> {
            if (pipeline.get(ImapLiteralGuard.NAME) == null) {
                pipeline.addLast(ImapLiteralGuard.NAME, new ImapLiteralGuard(literalLimits));
            }
            return framer.create(pipeline);
        };
    }
}
