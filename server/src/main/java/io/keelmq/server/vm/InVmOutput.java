package io.keelmq.server.vm;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.vm.FrameSink;
import io.keelmq.server.connection.Connection;
import io.keelmq.server.connection.FrameOutput;
import io.keelmq.server.connection.SerialExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection's output to an in-VM client: frames are handed over as objects, one at a
 * time and in order (like bytes on a socket), on the broker's worker pool so the broker
 * never runs client code while holding its own locks, and a slow client stalls only itself.
 */
public final class InVmOutput implements FrameOutput {
    private static final Logger LOG = LoggerFactory.getLogger(InVmOutput.class);

    private final FrameSink toClient;
    private final SerialExecutor executor;
    private final String description;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Connection connection;

    public InVmOutput(FrameSink toClient, Executor pool, String description) {
        this.toClient = toClient;
        this.executor = new SerialExecutor(pool);
        this.description = description;
    }

    /** The connection this output belongs to, told when the client side fails. */
    public void attach(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void send(Frame frame) {
        if (!closed.get()) {
            executor.execute(() -> deliver(frame));
        }
    }

    @Override
    public void sendAndClose(Frame frame) {
        if (!closed.get()) {
            executor.execute(() -> {
                deliver(frame);
                closeNow();
            });
        }
    }

    @Override
    public void close() {
        executor.execute(this::closeNow);
    }

    @Override
    public void handshakeDone(long heartbeatIntervalMillis) {
        // A peer in the same JVM cannot vanish without its close being seen: no idle detection.
    }

    @Override
    public String describe() {
        return "vm " + description;
    }

    private void deliver(Frame frame) {
        if (closed.get()) {
            return;
        }
        try {
            toClient.accept(frame);
        } catch (RuntimeException e) {
            LOG.warn("in-VM client of {} failed to take {}; closing the connection", description, frame, e);
            Connection c = connection;
            if (c != null) {
                c.close();
            }
        }
    }

    private void closeNow() {
        if (closed.compareAndSet(false, true)) {
            try {
                toClient.closed();
            } catch (RuntimeException e) {
                LOG.warn("in-VM client of {} failed while closing", description, e);
            }
            Connection c = connection;
            if (c != null) {
                c.transportClosed();
            }
        }
    }
}
