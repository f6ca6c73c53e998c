package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;

/**
 * A connection's way back to its client, whatever carries it (a Netty channel, an in-VM
 * sink). Implementations are thread-safe: answers are written from worker threads, the
 * send thread, flush completions and pull timers.
 */
public interface FrameOutput {

    void send(Frame frame);

    /** Sends {@code frame}, then closes the transport once it is written. */
    void sendAndClose(Frame frame);

    /** Closes the transport; the connection's clean-up follows through {@link Connection#transportClosed()}. */
    void close();

    /** The handshake agreed on a heartbeat interval: a transport that detects dead peers starts now. */
    void handshakeDone(long heartbeatIntervalMillis);

    /**
     * If the calling thread is this output's network I/O thread, arranges for it to run {@code commit} (the
     * store's {@code commitWaiting}) once it has handled the frames it read in this batch, and answers true:
     * once per batch of the thread, however many sends of however many connections ask. Otherwise answers
     * false and runs nothing. SYNC_FLUSH sends use it to force on the thread that read them and write their
     * answers from there, rather than wake the group-commit thread and have it wake this one back.
     */
    default boolean commitAfterReadBatch(Runnable commit) {
        return false;
    }

    /** The peer, for logs ("tcp 127.0.0.1:53412", "vm broker-1"). */
    String describe();

    /** The peer's address without port, for throttling failed logins per address; in-VM: the description. */
    default String remoteHost() {
        return describe();
    }
}
