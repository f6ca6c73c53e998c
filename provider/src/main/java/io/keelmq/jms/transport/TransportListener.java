package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;

/** Receives what a {@link Transport} reads; both methods are called from the transport's single inbound thread. */
public interface TransportListener {

    void onFrame(Frame frame);

    /** The connection ended without the client closing it; no frame follows. Called at most once. */
    void onClosed(Throwable cause);
}
