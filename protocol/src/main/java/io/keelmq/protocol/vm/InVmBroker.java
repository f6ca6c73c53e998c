package io.keelmq.protocol.vm;

/** A broker running in this JVM that clients reach without a socket. */
public interface InVmBroker {

    /**
     * Opens a connection: frames the broker sends go to {@code toClient}; the returned
     * sink takes the client's frames (its {@code closed()} closes the connection).
     */
    FrameSink connect(FrameSink toClient);
}
