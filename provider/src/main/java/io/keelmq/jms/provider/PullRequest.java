package io.keelmq.jms.provider;

/**
 * A PULL: at most {@code maxMessages} messages and {@code maxBytes} bytes, held by the broker for up to
 * {@code holdMillis} when nothing is available (long polling). Zero messages (with no hold) claims nothing: it only
 * makes the broker answer the consumer's held pull, which a closing consumer needs.
 */
public record PullRequest(long consumerId, int maxMessages, long maxBytes, long holdMillis) {

    public PullRequest {
        if (maxMessages < 0 || maxBytes < 1 || holdMillis < 0 || (maxMessages == 0 && holdMillis != 0)) {
            throw new IllegalArgumentException("a pull asks for zero or more messages and at least one byte and holds "
                    + "for zero or more milliseconds (zero when it asks for no message), not " + maxMessages + "/"
                    + maxBytes + "/" + holdMillis);
        }
    }

    /** The PULL that only ends the consumer's held pull. */
    public static PullRequest endHeld(long consumerId) {
        return new PullRequest(consumerId, 0, 1, 0);
    }
}
