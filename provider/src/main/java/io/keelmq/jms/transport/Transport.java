package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * A bidirectional pipe of {@link Frame}s to one broker. It knows nothing of requests and answers: correlation,
 * timeouts and heartbeats live above it in the provider, so every transport behaves the same.
 *
 * <p>Incoming frames and the loss of the connection are reported to the {@link TransportListener} from a single
 * thread per transport, in the order they arrived.
 */
public interface Transport {

    /** Opens the connection; blocks until it is usable or failed. */
    void connect(TransportListener listener) throws IOException;

    /**
     * Writes one frame. Frames from concurrent callers are written whole and in the order of the calls.
     *
     * @return completes once the frame is handed to the peer, or exceptionally if it cannot be
     */
    CompletableFuture<Void> send(Frame frame);

    /** Closes the connection; the listener is not told about a close the client asked for. Idempotent. */
    void close();

    /** Where this transport leads, for messages and logs. */
    String describe();
}
