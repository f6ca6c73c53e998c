package io.keelmq.bench.load;

/** A producer or consumer failed; the cause is the JMS provider's own exception. */
public final class LoadFailedException extends Exception {
    LoadFailedException(String message, Exception cause) {
        super(message, cause);
    }
}
