package dev.mailwright.server.protocols;

import org.apache.james.protocols.netty.HandlerConstants;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Puts a handler right after the line framer once the pipeline is complete (the framer factory runs before the
 * framer is added), then removes itself.
 */
public final class AfterFramer extends ChannelInboundHandlerAdapter {
    private final String name;
    private final ChannelHandler handler;

    public AfterFramer(String name, ChannelHandler handler) {
        this.name = name;
        this.handler = handler;
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) throws Exception {
        if (ctx.pipeline().get(HandlerConstants.FRAMER) != null && ctx.pipeline().get(name) == null) {
            ctx.pipeline().addAfter(HandlerConstants.FRAMER, name, handler);
        }
        ctx.pipeline().remove(this);
        super.channelRegistered(ctx);
    }
}
