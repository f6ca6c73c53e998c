package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;

import java.util.ArrayList;
import java.util.List;

/** The deliveries one claim collects, within its message and byte budget. */
final class ClaimBatch {
    final List<Delivery> deliveries = new ArrayList<>();
    final long now;
    private final int maxMessages;
    private final long maxBytes;
    private long bytes;
    int examined;
    /** Bytes of window messages held for delivery (bounded by Subscription.RETAINED_BYTES). */
    long retainedBytes;
    boolean full;
    /** A message was left because it was not for this consumer (selector, noLocal, tag, a group held elsewhere). */
    boolean passedOver;

    ClaimBatch(int maxMessages, long maxBytes, long now) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.now = now;
    }

    /** Whether a message of about {@code size} bytes still fits; the first always does. */
    boolean fits(long size) {
        if (!deliveries.isEmpty() && bytes + size > maxBytes) {
            full = true;
            return false;
        }
        return true;
    }

    void add(Delivery delivery) {
        deliveries.add(delivery);
        bytes += delivery.wireSize();
        full = deliveries.size() >= maxMessages || bytes >= maxBytes;
    }
}
