package io.keelmq.jms.provider;

/**
 * CREDIT: the window of the consumer's standing pull {@code standingId}, as totals since that pull began: the broker
 * may have sent it {@code messages} messages and {@code bytes} bytes of messages (the length of each delivered
 * message), and sends more only below both.
 */
public record PullCredit(long consumerId, long standingId, long messages, long bytes) {

    public PullCredit {
        if (standingId == 0 || messages < 0 || bytes < 0) {
            throw new IllegalArgumentException("a credit names a standing pull and grants zero or more messages and "
                    + "bytes, not " + standingId + "/" + messages + "/" + bytes);
        }
    }
}
