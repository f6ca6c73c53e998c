package io.keelmq.server.consume;

import io.keelmq.server.message.DecodedMessage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages one claim collects, within its message and byte budget. They are encoded for the wire after the
 * subscription's lock is released (Subscription#claim), so bytes are counted here by an estimate.
 */
final class ClaimBatch {
    /** A message claimed (in flight to the consumer), not yet encoded. */
    record Claimed(int partition, long offset, int deliveryCount, DecodedMessage message) {
    }

    final List<Claimed> claimed = new ArrayList<>();
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
    /** A read failed after some messages were claimed: those still go to the consumer, then this is reported. */
    IOException failure;

    ClaimBatch(int maxMessages, long maxBytes, long now) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.now = now;
    }

    /** Whether a message of about {@code size} bytes still fits; the first always does. */
    boolean fits(long size) {
        if (!claimed.isEmpty() && bytes + size > maxBytes) {
            full = true;
            return false;
        }
        return true;
    }

    /** Adds a claimed message of about {@code size} bytes (StoredMessages#sizeOf). */
    void add(Claimed message, long size) {
        claimed.add(message);
        bytes += size;
        full = claimed.size() >= maxMessages || bytes >= maxBytes;
    }
}
