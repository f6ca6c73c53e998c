package io.keelmq.server.net;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.connection.FrameOutput;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.timeout.IdleStateHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A connection's output over a Netty channel; Netty makes writes from any thread safe and ordered. */
final class ChannelOutput implements FrameOutput {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelOutput.class);

    private final Channel channel;
    private volatile ScheduledFuture<?> handshakeTimeout;

    ChannelOutput(Channel channel) {
        this.channel = channel;
    }

    void handshakeTimeout(ScheduledFuture<?> timeout) {
        this.handshakeTimeout = timeout;
    }

    @Override
    public void send(Frame frame) {
        channel.writeAndFlush(frame).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess() && channel.isActive()) {
                // An answer that cannot be written leaves the client waiting: close rather than hang.
                LOG.error("cannot write {} to {}; closing the connection", frame, describe(), future.cause());
                channel.close();
            }
        });
    }

    @Override
    public void sendAndClose(Frame frame) {
        channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        channel.close();
    }

    /**
     * Heartbeats start once agreed: a frame is sent after {@code interval} of silence, and a
     * peer silent for three intervals is taken for dead (ConnectionHandler closes it).
     */
    @Override
    public void handshakeDone(long interval) {
        channel.eventLoop().execute(() -> {
            ScheduledFuture<?> timeout = handshakeTimeout;
            if (timeout != null) {
                timeout.cancel(false);
            }
            if (channel.isActive() && channel.pipeline().get(NettyServer.IDLE) == null) {
                channel.pipeline().addBefore(NettyServer.CONNECTION, NettyServer.IDLE,
                        new IdleStateHandler(3 * interval, interval, 0, TimeUnit.MILLISECONDS));
            }
        });
    }

    @Override
    public String describe() {
        return "tcp " + channel.remoteAddress();
    }

    @Override
    public String remoteHost() {
        return channel.remoteAddress() instanceof java.net.InetSocketAddress address
                ? address.getHostString() : String.valueOf(channel.remoteAddress());
    }
}
