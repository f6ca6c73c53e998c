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

    /** The peer, for logs ("tcp 127.0.0.1:53412", "vm broker-1"). */
    String describe();

    /** The peer's address without port, for throttling failed logins per address; in-VM: the description. */
    default String remoteHost() {
        return describe();
    }
}
