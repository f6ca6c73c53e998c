package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;

/** Receives what a {@link Transport} reads; its methods are called one at a time, in the order of the frames. */
public interface TransportListener {

    /**
     * True if a frame may come that no caller in {@link Transport#awaitDone} waits for (the answer to a request
     * handled asynchronously), so the transport should keep reading on its own thread. Any thread may ask.
     */
    default boolean expectsUnawaitedFrames() {
        return true;
    }

    void onFrame(Frame frame);

    /** The connection ended without the client closing it; no frame follows. Called at most once. */
    void onClosed(Throwable cause);
}
