package dev.mailwright.server.protocols;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Closes a connection whose client has not completed a line for the current timeout, with the protocol's last word
 * (SMTP {@code 421 4.4.2 ...}, IMAP {@code * BYE ...}). The time counts from the end of the client's last line or
 * the server's last answer, whichever is later, so a client waiting for a slow answer is not cut, and one that
 * trickles a byte at a time is (Postfix's {@code smtpd_per_record_deadline}). The timeout is asked again at every
 * check (once a second): it shrinks when the listener is under stress, and an empty one means none now (an IMAP
 * session after login, say). James's own idle handler closes only at the second idle event, after twice the time.
 */
public final class IdleTimeout extends ChannelDuplexHandler {
    public static final String NAME = "idleTimeout";
    private static final Logger LOGGER = LoggerFactory.getLogger(IdleTimeout.class);

    private final String protocol;
    private final Supplier<Optional<Duration>> timeout;
    private final String lastWord;
    private volatile long lastActivity = System.nanoTime();
    private ScheduledFuture<?> check;

    /** @param lastWord the line (without CRLF) sent before closing */
    public IdleTimeout(String protocol, Supplier<Optional<Duration>> timeout, String lastWord) {
        this.protocol = protocol;
        this.timeout = timeout;
        this.lastWord = lastWord;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            start(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        start(ctx);
        super.channelActive(ctx);
    }

    private void start(ChannelHandlerContext ctx) {
        if (check == null) {
            lastActivity = System.nanoTime();
            check = ctx.executor().scheduleAtFixedRate(() -> check(ctx), 1, 1, TimeUnit.SECONDS);
        }
    }

    private void check(ChannelHandlerContext ctx) {
        Optional<Duration> limit = timeout.get();
        if (limit.isEmpty() || !ctx.channel().isActive()) {
            return;
        }
        if (System.nanoTime() - lastActivity >= limit.get().toNanos()) {
            stop();
            LOGGER.info("{} idle timeout after {} s client={}", protocol, limit.get().toSeconds(), ctx.channel().remoteAddress());
            ctx.writeAndFlush(Unpooled.copiedBuffer(lastWord + "\r\n", StandardCharsets.US_ASCII)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Only a complete line counts as activity: a client sending a byte now and then cannot hold its slot forever. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf buffer && buffer.indexOf(buffer.readerIndex(), buffer.writerIndex(), (byte) '\n') >= 0) {
            lastActivity = System.nanoTime();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        lastActivity = System.nanoTime();
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    private void stop() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }
}
