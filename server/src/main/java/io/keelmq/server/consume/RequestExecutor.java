package io.keelmq.server.consume;

import java.util.concurrent.Executor;

/** A connection's requests, run one at a time in arrival order (the connection package's SerialExecutor). */
public interface RequestExecutor extends Executor {

    /**
     * Runs {@code task} on the calling thread if the connection has nothing queued or running, else queues it like
     * {@link #execute}; either way it runs in the connection's turn. Only for tasks that never block.
     */
    void executeHereIfIdle(Runnable task);
}
