package io.keelmq.jms.transport;

import io.keelmq.protocol.frame.Frame;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A bidirectional pipe of {@link Frame}s to one broker. It knows nothing of requests and answers: correlation,
 * timeouts and heartbeats live above it in the provider, so every transport behaves the same.
 *
 * <p>Incoming frames and the loss of the connection are reported to the {@link TransportListener} one at a time, in
 * the order they arrived: from the transport's own thread, or (see {@link #awaitDone}) from a caller's.
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

    /**
     * Returns once {@code answer} is done (normally or not), its outcome untouched. A transport may have the waiting
     * thread read the connection meanwhile and report what it reads, as its own thread would, so that an answer
     * reaches the thread waiting for it without a hand-off between threads.
     */
    default void awaitDone(CompletableFuture<?> answer) throws InterruptedException {
        try {
            answer.get();
        } catch (ExecutionException | CancellationException e) {
            // Done: the caller reads the outcome from the future.
        }
    }

    /**
     * A request was sent whose answer no caller awaits in {@link #awaitDone}: the transport must be reading when it
     * comes. Cheap; transports that always read ignore it.
     */
    default void framesExpected() {
    }

    /** Closes the connection; the listener is not told about a close the client asked for. Idempotent. */
    void close();

    /** Where this transport leads, for messages and logs. */
    String describe();
}
