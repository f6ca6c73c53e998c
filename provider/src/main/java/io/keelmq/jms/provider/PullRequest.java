package io.keelmq.jms.provider;

/**
 * A PULL: at most {@code maxMessages} messages and {@code maxBytes} bytes, held by the broker for up to
 * {@code holdMillis} when nothing is available (long polling).
 */
public record PullRequest(long consumerId, int maxMessages, long maxBytes, long holdMillis) {

    public PullRequest {
        if (maxMessages < 1 || maxBytes < 1 || holdMillis < 0) {
            throw new IllegalArgumentException("a pull asks for at least one message and one byte and holds for "
                    + "zero or more milliseconds, not " + maxMessages + "/" + maxBytes + "/" + holdMillis);
        }
    }
}
