package dev.mailwright.server.imap;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Records the client's address in its IMAP session (James 3.8.1's session does not know it), for the processors
 * that decide by client address ({@link ImapAuthGuard}).
 */
@ChannelHandler.Sharable
final class ImapClientAddress extends ChannelInboundHandlerAdapter {
    static final String NAME = "clientAddress";
    static final ImapClientAddress INSTANCE = new ImapClientAddress();
    private static final String ATTRIBUTE = "dev.mailwright.clientAddress";

    private ImapClientAddress() {
    }

    /** The address recorded for {@code session}, or null if none was. */
    static InetAddress of(ImapSession session) {
        return session.getAttribute(ATTRIBUTE) instanceof InetAddress address ? address : null;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // the core handler, later in the pipeline on the same event loop, creates the session during this call
        super.channelActive(ctx);
        ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
        if (session != null && ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            session.setAttribute(ATTRIBUTE, remote.getAddress());
        }
    }
}
