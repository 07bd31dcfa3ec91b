package dev.mailwright.server.protocols;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * The connection slots of one listener, in front of its protocol handlers (one instance shared by its channels).
 * A connection over the {@link SlotLimits} is answered with the protocol's refusal (SMTP {@code 421 4.7.0 ...},
 * IMAP {@code * BYE ...}) and closed; James's own limits close it without a word. Counts are exact: a slot is
 * taken when a connection is admitted and given back when it closes. A refused connection never reaches the
 * protocol handlers.
 */
@ChannelHandler.Sharable
public final class ConnectionSlots extends ChannelInboundHandlerAdapter {
    public static final String NAME = "connectionSlots";
    private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionSlots.class);
    private static final AttributeKey<InetAddress> ADMITTED = AttributeKey.valueOf("mailwright.slot");
    private static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf("mailwright.slotRefused");
    private static final long REFUSED_CLOSE_SECONDS = 5;

    private final String protocol;
    private final SlotLimits limits;
    private final Predicate<InetAddress> known;
    private final Function<String, String> refusalLine;
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private int total;

    /**
     * @param protocol    the log prefix ({@code smtp}, {@code imap})
     * @param known       clients that may take the reserved slots
     * @param refusalLine the protocol line (without CRLF) that refuses, from the reason
     */
    public ConnectionSlots(String protocol, SlotLimits limits, Predicate<InetAddress> known, Function<String, String> refusalLine) {
        this.protocol = protocol;
        this.limits = limits;
        this.known = known;
        this.refusalLine = refusalLine;
    }

    public SlotLimits limits() {
        return limits;
    }

    public synchronized int total() {
        return total;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        Optional<String> refusal = admit(client);
        if (refusal.isEmpty()) {
            ctx.channel().attr(ADMITTED).set(client);
            super.channelActive(ctx);
            return;
        }
        ctx.channel().attr(REFUSED).set(true);
        LOGGER.warn("{} refused reason=\"{}\" client={}", protocol, refusal.get(), client.getHostAddress());
        ctx.writeAndFlush(Unpooled.copiedBuffer(refusalLine.apply(refusal.get()) + "\r\n", StandardCharsets.US_ASCII))
            .addListener(ChannelFutureListener.CLOSE);
        // an implicit-TLS client that never completes its handshake never receives the line: close anyway
        ctx.executor().schedule(() -> ctx.close(), REFUSED_CLOSE_SECONDS, TimeUnit.SECONDS);
    }

    private synchronized Optional<String> admit(InetAddress client) {
        int fromClient = perClient.getOrDefault(client, 0);
        Optional<String> refusal = limits.refusal(fromClient, total, known.test(client));
        if (refusal.isEmpty()) {
            perClient.put(client, fromClient + 1);
            total++;
        }
        return refusal;
    }

    private synchronized void release(InetAddress client) {
        total--;
        perClient.computeIfPresent(client, (address, count) -> count <= 1 ? null : count - 1);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        InetAddress client = ctx.channel().attr(ADMITTED).getAndSet(null);
        if (client != null) {
            release(client);
            super.channelInactive(ctx);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(REFUSED).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Boolean.TRUE.equals(ctx.channel().attr(REFUSED).get())) {
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
