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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection's output over a Netty channel, written from any thread in the order the sends were made.
 *
 * <p>Netty alone does not give that order: a write from another thread is queued as a task on the channel's event
 * loop, while a write from the event loop itself goes out at once, ahead of such queued ones. The broker writes from
 * both (a worker answers a request; the I/O thread, after the force it ran, answers sends and claims for a held pull),
 * and a standing pull's partial answers must reach the client in the order they were claimed, or one consumer would
 * see a session's messages out of order. So the event loop writes at once only while no write from another thread is
 * waiting in its queue; otherwise its write queues behind them.
 */
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
    /** Writes queued on the event loop (by other threads, or by the loop behind those) and not made yet. */
    private final AtomicInteger queuedWrites = new AtomicInteger();
    private volatile ScheduledFuture<?> handshakeTimeout;

    ChannelOutput(Channel channel) {
        this.channel = channel;
    }

    void handshakeTimeout(ScheduledFuture<?> timeout) {
        this.handshakeTimeout = timeout;
    }

    @Override
    public void send(Frame frame) {
        inOrder(() -> channel.writeAndFlush(frame).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess() && channel.isActive()) {
                // An answer that cannot be written leaves the client waiting: close rather than hang.
                LOG.error("cannot write {} to {}; closing the connection", frame, describe(), future.cause());
                channel.close();
            }
        }));
    }

    /** Runs {@code write} on the event loop after every write another thread queued before this call. */
    private void inOrder(Runnable write) {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop() && queuedWrites.get() == 0) {
            write.run();
            return;
        }
        queuedWrites.incrementAndGet();
        try {
            loop.execute(() -> {
                queuedWrites.decrementAndGet();
                write.run();
            });
        } catch (RejectedExecutionException e) {
            // The loop is shutting down, and the channel with it: nothing can be written any more.
            queuedWrites.decrementAndGet();
        }
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
        inOrder(() -> channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE));
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
