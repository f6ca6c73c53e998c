package io.keelmq.server.net;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * First handler of every TCP connection: counts open connections per remote IP address and refuses one beyond
 * {@code maxConnectionsPerAddress}, with a connection error (CLOSE, ONEWAY|ERROR, LIMIT_EXCEEDED) naming the
 * limit. A refused connection never reaches the broker: what it sends is dropped here until it is closed. One
 * instance is shared by all connections of the listener.
 */
@ChannelHandler.Sharable
final class ConnectionLimitHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimitHandler.class);
    /** The address a connection was counted under; absent on a refused connection. */
    private static final AttributeKey<String> COUNTED = AttributeKey.valueOf("keel.countedAddress");

    private final int maxConnectionsPerAddress;
    private final ConcurrentMap<String, Integer> open = new ConcurrentHashMap<>();

    ConnectionLimitHandler(int maxConnectionsPerAddress) {
        this.maxConnectionsPerAddress = maxConnectionsPerAddress;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        String address = ctx.channel().remoteAddress() instanceof InetSocketAddress inet
                ? inet.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
        boolean[] admitted = new boolean[1];
        open.compute(address, (a, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < maxConnectionsPerAddress;
            return admitted[0] ? now + 1 : count;
        });
        if (admitted[0]) {
            ctx.channel().attr(COUNTED).set(address);
            ctx.fireChannelActive();
            return;
        }
        String problem = "too many connections from " + address + ": maxConnectionsPerAddress is "
                + maxConnectionsPerAddress;
        LOG.warn("refusing a connection: {}", problem);
        // From the channel, not ctx: the frame must pass the encoder, which sits behind this handler.
        ctx.channel().writeAndFlush(Frame.connectionError(ErrorCode.LIMIT_EXCEEDED, problem))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ctx.channel().attr(COUNTED).get() != null) {
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            open.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel().attr(COUNTED).get() != null) {
            ctx.fireExceptionCaught(cause);
        } else {
            ctx.close();
        }
    }
}
