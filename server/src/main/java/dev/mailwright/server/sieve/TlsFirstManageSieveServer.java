package dev.mailwright.server.sieve;

import org.apache.james.managesieve.api.Session;
import org.apache.james.managesieve.transcode.ManageSieveProcessor;
import org.apache.james.managesieveserver.netty.ChannelManageSieveResponseWriter;
import org.apache.james.managesieveserver.netty.ManageSieveChannelUpstreamHandler;
import org.apache.james.managesieveserver.netty.ManageSieveServer;
import org.apache.james.managesieveserver.netty.NettyConstants;
import org.apache.james.protocols.netty.Encryption;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;

/**
 * James's ManageSieve server with a working STARTTLS. In James 3.8.1 the server writes its {@code OK} to STARTTLS
 * and only then puts TLS into the connection; a client that starts its handshake at once (sieve-connect on
 * loopback does) is often faster, its handshake reaches the line decoder, which takes it for commands injected after
 * STARTTLS and drops the connection. Here TLS is in place before the {@code OK} is written (the TLS handler lets that
 * one clear-text reply through), so the handshake can only arrive where it belongs. And the line decoder's
 * "STARTTLS in flight" mark (its STARTTLS command injection guard) is cleared once TLS is in place: James 3.8.1's
 * ManageSieve never clears it (the guard looks for its session under a name ManageSieve does not use), so without
 * this every command after STARTTLS is taken for an injection and the connection dropped.
 */
public class TlsFirstManageSieveServer extends ManageSieveServer {
    private final ManageSieveProcessor processor;
    private final int maxLineLength;

    public TlsFirstManageSieveServer(int maxLineLength, ManageSieveProcessor processor) {
        super(maxLineLength, processor);
        this.processor = processor;
        this.maxLineLength = maxLineLength;
    }

    @Override
    protected ChannelInboundHandlerAdapter createCoreHandler() {
        return new StartTlsHandler(processor, getEncryption(), maxLineLength);
    }

    @ChannelHandler.Sharable
    static final class StartTlsHandler extends ManageSieveChannelUpstreamHandler {
        private static final String SSL_HANDLER = "sslHandler";
        /** The mark of James's {@code AllButStartTlsLineBasedChannelHandler}. */
        private static final AttributeKey<Object> START_TLS_IN_FLIGHT = AttributeKey.valueOf("startTlsInFlight");

        private final ManageSieveProcessor processor;
        private final Encryption secure;

        StartTlsHandler(ManageSieveProcessor processor, Encryption secure, int maxLineLength) {
            super(processor, secure, maxLineLength);
            this.processor = processor;
            this.secure = secure;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            Session session = ctx.channel().attr(NettyConstants.SESSION_ATTRIBUTE_KEY).get();
            ChannelManageSieveResponseWriter writer = ctx.channel().attr(NettyConstants.RESPONSE_WRITER_ATTRIBUTE_KEY).get();
            String line = (String) msg;
            if (secure == null || !secure.isStartTLS() || session == null || writer == null
                || !line.strip().equalsIgnoreCase("STARTTLS")) {
                super.channelRead(ctx, msg);
                return;
            }
            String request = writer.cumulate(line);
            if (!request.equals(line)) {
                // STARTTLS inside another command's data: not a command of its own
                writer.resetCumulation();
                super.channelRead(ctx, request);
                return;
            }
            String response = processor.handleRequest(session, request);
            writer.resetCumulation();
            if (session.getState() == Session.State.SSL_NEGOCIATION) {
                // TLS first (letting the one clear-text OK through), then the OK
                ctx.channel().pipeline().addFirst(SSL_HANDLER, new SslHandler(secure.sslHandler().engine(), true));
                writer.stopDetectingCommandInjection();
                ctx.channel().attr(START_TLS_IN_FLIGHT).set(false);
                session.setSslEnabled(true);
                session.setState(Session.State.UNAUTHENTICATED);
            }
            writer.write(response);
        }
    }
}
