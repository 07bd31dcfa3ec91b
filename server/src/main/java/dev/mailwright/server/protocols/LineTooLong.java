package dev.mailwright.server.protocols;

import java.nio.charset.StandardCharsets;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.smtpserver.ExtendedSMTPSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;

/**
 * One answer to an SMTP line longer than the listener's line limit, in place of James's, which answers
 * {@code 500 Line length exceeded}, stays in DATA, drops the line and then also answers {@code 250} to the same
 * message (stored without that line). Inside DATA the message is refused ({@code 554 5.6.0}) and the connection
 * closed, the only way to give a single answer to a DATA whose end has not been read yet; outside DATA the command
 * is refused ({@code 500 5.5.2}) and the session goes on. Sits right after the line framer, whose
 * {@link TooLongFrameException} it takes.
 */
public final class LineTooLong extends ChannelInboundHandlerAdapter {
    public static final String NAME = "lineTooLong";
    private static final Logger LOGGER = LoggerFactory.getLogger(LineTooLong.class);

    private final int limit;

    public LineTooLong(int limit) {
        this.limit = limit;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (!(cause instanceof TooLongFrameException)) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        ProtocolSession session = (ProtocolSession) ctx.channel().attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY).get();
        // James's DATA command opens the message writer; the end of the message (or RSET) disposes of it
        boolean inData = session instanceof ExtendedSMTPSession smtp && smtp.getMimeMessageWriter() != null;
        LOGGER.info("smtp refused reason=\"line longer than {} bytes{}\" client={}", limit, inData ? " in DATA" : "", ctx.channel().remoteAddress());
        if (inData) {
            ctx.writeAndFlush(line("554 5.6.0 Message refused: a line is longer than " + limit + " bytes"))
                .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(line("500 5.5.2 Line too long (limit " + limit + " bytes)"));
        }
    }

    private static io.netty.buffer.ByteBuf line(String text) {
        return Unpooled.copiedBuffer(text + "\r\n", StandardCharsets.US_ASCII);
    }
}
