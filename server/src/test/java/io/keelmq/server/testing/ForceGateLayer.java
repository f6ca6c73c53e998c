package io.keelmq.server.testing;

import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.ForwardingFileLayer;
import io.keelmq.store.io.StoreFile;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;

/**
 * The real files, with a gate before every force of a commit-log segment: while the gate is closed a force waits,
 * so a send's bytes are written but not forced, and under SYNC_FLUSH it is answered FLUSH_DISK_TIMEOUT once
 * {@code syncFlushTimeout} passes (a disk too slow to force in time). Releasing lets the waiting forces
 * finish. Or the forces fail, each after its bytes were written (a disk that reports an I/O error at writeback).
 */
public final class ForceGateLayer extends ForwardingFileLayer {
    private boolean closed;
    private boolean failing;

    public ForceGateLayer() {
        super(ChannelFileLayer.INSTANCE);
    }

    public synchronized void holdForces() {
        closed = true;
    }

    public synchronized void releaseForces() {
        closed = false;
        notifyAll();
    }

    /** From now on every force of a commit-log segment fails, or, with {@code false}, works again. */
    public synchronized void failForces(boolean fail) {
        failing = fail;
    }

    private synchronized void pass() throws IOException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (closed) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                throw new IOException("the test left the force gate closed for a minute");
            }
            try {
                wait(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted at the force gate");
            }
        }
        if (failing) {
            throw new IOException("Input/output error (a force failure the test asked for)");
        }
    }

    @Override
    public StoreFile open(Path path) throws IOException {
        StoreFile file = delegate.open(path);
        boolean commitLog = path.getParent() != null && path.getParent().getFileName().toString().equals("commitlog");
        return commitLog ? new Forwarding(file) {
            @Override
            public void force() throws IOException {
                pass();
                file.force();
            }
        } : file;
    }
}
