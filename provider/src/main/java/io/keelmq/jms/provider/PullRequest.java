package io.keelmq.jms.provider;

/**
 * A PULL: at most {@code maxMessages} messages and {@code maxBytes} bytes, held by the broker for up to
 * {@code holdMillis} when nothing is available (long polling). Zero messages (with no hold) claims nothing: it only
 * makes the broker answer the consumer's held pull, which a closing consumer needs.
 *
 * <p>A standing pull ({@code standingId} not 0, chosen by the client, unique per consumer) is the consumer's prefetch
 * window kept at the broker: the broker sends what it claims as partial answers, within the window ({@code maxMessages}
 * and {@code maxBytes} at first, widened by {@link PullCredit}), until the hold time ends, the consumer closes or
 * another PULL of the consumer replaces it; an empty last answer ends it.
 */
public record PullRequest(long consumerId, int maxMessages, long maxBytes, long holdMillis, long standingId) {

    public PullRequest {
        if (maxMessages < 0 || maxBytes < 1 || holdMillis < 0 || (maxMessages == 0 && holdMillis != 0)
                || (standingId != 0 && holdMillis == 0)) {
            throw new IllegalArgumentException("a pull asks for zero or more messages and at least one byte and holds "
                    + "for zero or more milliseconds (zero when it asks for no message, more when it stands), not "
                    + maxMessages + "/" + maxBytes + "/" + holdMillis + "/" + standingId);
        }
    }

    /** A one-shot pull. */
    public PullRequest(long consumerId, int maxMessages, long maxBytes, long holdMillis) {
        this(consumerId, maxMessages, maxBytes, holdMillis, 0);
    }

    /** The PULL that only ends the consumer's held pull. */
    public static PullRequest endHeld(long consumerId) {
        return new PullRequest(consumerId, 0, 1, 0);
    }

    public boolean isStanding() {
        return standingId != 0;
    }
}
