package dev.mailwright.server.protocols;

import java.net.InetSocketAddress;

import javax.net.ssl.SSLException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A failed TLS handshake (an old protocol, no common cipher suite, plain text on an implicit-TLS port, a scanner) is
 * the client's problem, not the server's: one line at INFO ({@code smtp tls failed client=IP reason="..."}) and the
 * connection closed, where James logged a stack trace at ERROR (SMTP) or WARN (IMAP) for each. Sits right after
 * the TLS handler; other exceptions go on.
 */
@ChannelHandler.Sharable
public final class TlsFailures extends ChannelInboundHandlerAdapter {
    public static final String NAME = "tlsFailures";
    private static final Logger LOGGER = LoggerFactory.getLogger(TlsFailures.class);

    private final String protocol;

    public TlsFailures(String protocol) {
        this.protocol = protocol;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        SSLException tls = tlsCause(cause);
        if (tls == null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        String client = ctx.channel().remoteAddress() instanceof InetSocketAddress address
            ? address.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        String reason = String.valueOf(tls.getMessage());
        LOGGER.info("{} tls failed client={} reason=\"{}\"", protocol, client,
            reason.length() > 120 ? reason.substring(0, 120) + "..." : reason);
        ctx.close();
    }

    static SSLException tlsCause(Throwable cause) {
        for (Throwable current = cause; current != null; current = current.getCause()) {
            if (current instanceof SSLException tls) {
                return tls;
            }
            if (current.getCause() == current) {
                return null;
            }
        }
        return null;
    }
}
