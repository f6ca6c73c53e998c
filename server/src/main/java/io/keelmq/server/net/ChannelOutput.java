package io.keelmq.server.net;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.connection.FrameOutput;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A connection's output over a Netty channel; Netty makes writes from any thread safe and ordered. */
final class ChannelOutput implements FrameOutput {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelOutput.class);

    /**
     * Per I/O thread: a commit is already arranged for the end of its current read batch. Netty runs tasks
     * queued from its own thread after the I/O it is handling, so the first send of a batch arranges it and
     * the others join that one force.
     */
    private static final FastThreadLocal<boolean[]> COMMIT_ARRANGED = new FastThreadLocal<>() {
        @Override
        protected boolean[] initialValue() {
            return new boolean[1];
        }
    };

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
    public boolean commitAfterReadBatch(Runnable commit) {
        EventLoop loop = channel.eventLoop();
        if (!loop.inEventLoop()) {
            return false;
        }
        boolean[] arranged = COMMIT_ARRANGED.get();
        if (!arranged[0]) {
            try {
                loop.execute(() -> {
                    arranged[0] = false;
                    commit.run();
                });
            } catch (RejectedExecutionException e) {
                return false;                   // the loop is shutting down: the group-commit thread forces
            }
            arranged[0] = true;
        }
        return true;
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
