package dev.mailwright.server.imap;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * Enforces {@link LiteralLimits} on an IMAP connection before James's decoder sees a byte of a literal: it sits in
 * front of the line framer (after TLS), follows the client's stream with a {@link LiteralScanner}, and answers a
 * literal over the limits with {@code * BYE [TOOBIG] ...} and closes the connection, without reading the
 * literal. One instance per connection.
 */
final class ImapLiteralGuard extends ChannelInboundHandlerAdapter {
    static final String NAME = "literalGuard";
    private static final Logger LOGGER = LoggerFactory.getLogger(ImapLiteralGuard.class);

    private final LiteralLimits limits;
    private final LiteralScanner scanner = new LiteralScanner();
    private int count;
    private long total;
    private boolean closed;

    ImapLiteralGuard(LiteralLimits limits) {
        this.limits = limits;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closed) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!(msg instanceof ByteBuf buffer)) {
            ctx.fireChannelRead(msg);
            return;
        }
        boolean authenticated = authenticated(ctx);
        Refusal refusal = new Refusal(authenticated);
        if (scanner.scan(buffer, refusal)) {
            ctx.fireChannelRead(buffer);
            return;
        }
        ReferenceCountUtil.release(buffer);
        closed = true;
        LOGGER.warn("imap refused reason=\"{}\" client={}", refusal.reason, clientAddress(ctx));
        String bye = "* BYE [TOOBIG] " + (authenticated ? "Command too large" : "Literal too large before authentication") + "\r\n";
        ctx.writeAndFlush(Unpooled.copiedBuffer(bye, StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
    }

    private static boolean authenticated(ChannelHandlerContext ctx) {
        ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
        return session != null
            && (session.getState() == ImapSessionState.AUTHENTICATED || session.getState() == ImapSessionState.SELECTED);
    }

    private static String clientAddress(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address
            ? address.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /** Counts the literals of the current command and asks the limits about each. */
    private final class Refusal implements LiteralScanner.Listener {
        private final boolean authenticated;
        private String reason;

        Refusal(boolean authenticated) {
            this.authenticated = authenticated;
        }

        @Override
        public boolean literal(long size) {
            count++;
            total = size > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + size;
            Optional<String> refused = limits.refusal(authenticated, size, count, total);
            reason = refused.orElse(null);
            return refused.isEmpty();
        }

        @Override
        public void commandEnd() {
            count = 0;
            total = 0;
        }
    }
}
