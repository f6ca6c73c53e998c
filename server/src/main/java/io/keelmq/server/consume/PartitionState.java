package io.keelmq.server.consume;

import io.keelmq.store.position.PartitionPosition;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A subscription's in-memory state for one partition, guarded by the subscription's lock:
 * which messages are in flight to whom, how often released ones were delivered, and the
 * "delivered up to" marks (see {@link DeliveryMarks}).
 */
final class PartitionState {
    /**
     * A message delivered to a consumer and not yet acknowledged or released; consumer null: parked (see
     * Subscription#settleParked).
     */
    record InFlight(ConsumerState consumer, int deliveryCount) {
    }

    final int partition;
    final PartitionPosition position;
    final TreeMap<Long, InFlight> inFlight = new TreeMap<>();
    /** Deliveries so far of released messages. */
    private final Map<Long, Integer> priorDeliveries = new HashMap<>();
    /** The mark an earlier run left: messages below it may have been delivered before a crash. */
    private long restartMark;
    /**
     * JMSPriority of messages a claim's window has read and left undelivered, so later claims need not read them
     * again to order their window; bounded (cleared when full), entries go when their message is acknowledged.
     */
    final Map<Long, Integer> priorities = new HashMap<>();
    /** JMSXGroupID of the grouped messages among {@link #priorities} (absent: ungrouped), kept and cleared with them. */
    final Map<Long, String> groupIds = new HashMap<>();
    /** The "delivered up to" mark on disk (see {@link DeliveryMarks}). */
    long reservedMark;
    /** A background reservation of the next chunk is under way. */
    boolean reservingAhead;
    /** Raised by a reset, so a background reservation begun before it does not raise {@link #reservedMark}. */
    int markEpoch;
    long deliveredUpTo;
    /**
     * Where new messages start: above every offset delivered, at least the position's low watermark at start-up.
     * Written under the subscription's lock, read without it by {@link ReadAhead} as a hint.
     */
    volatile long firstUndelivered;

    PartitionState(int partition, PartitionPosition position, long restartMark, long reservedMark) {
        this.partition = partition;
        this.position = position;
        this.restartMark = restartMark;
        this.reservedMark = reservedMark;
        this.firstUndelivered = position.lowWatermark();
    }

    /** Deliveries a message has had: counted ones, or one if an earlier run may have delivered it. */
    int priorDeliveries(long offset) {
        Integer prior = priorDeliveries.get(offset);
        return prior != null ? prior : offset < restartMark ? 1 : 0;
    }

    /**
     * Marks a message in flight to {@code consumer}; returns its delivery count (1 on first delivery).
     *
     * @param storedPrior deliveries the stored message itself records (a retry copy), else 0
     */
    int deliver(ConsumerState consumer, long offset, int storedPrior) {
        int count = Math.max(priorDeliveries(offset), storedPrior) + 1;
        priorDeliveries.remove(offset);
        inFlight.put(offset, new InFlight(consumer, count));
        deliveredUpTo = Math.max(deliveredUpTo, offset + 1);
        if (offset >= firstUndelivered) {
            firstUndelivered = offset + 1;
        }
        return count;
    }

    /** Takes a message back from {@code consumer}; false if it is not in flight to it. */
    boolean release(ConsumerState consumer, long offset, boolean increment) {
        InFlight entry = inFlight.get(offset);
        if (entry == null || entry.consumer() != consumer) {
            return false;
        }
        inFlight.remove(offset);
        priorDeliveries.put(offset, increment ? entry.deliveryCount() : entry.deliveryCount() - 1);
        return true;
    }

    void forget(long offset) {
        priorDeliveries.remove(offset);
        priorities.remove(offset);
        groupIds.remove(offset);
    }

    /**
     * After the position was reset to {@code offset}: what was known of individual messages no longer applies, and
     * nothing from {@code offset} on counts as delivered (a reset re-consumes as new deliveries), neither by this run
     * nor by an earlier one; the caller writes the lowered mark.
     */
    void restartAt(long offset) {
        priorDeliveries.clear();
        priorities.clear();
        groupIds.clear();
        restartMark = 0;
        deliveredUpTo = offset;
        firstUndelivered = offset;
        reservedMark = offset;
        reservingAhead = false;
        markEpoch++;
    }

    void rememberPriority(long offset, int priority, String group, int limit) {
        if (priorities.size() >= limit) {
            priorities.clear();
            groupIds.clear();
        }
        priorities.put(offset, priority);
        if (group != null) {
            groupIds.put(offset, group);
        }
    }

    /** Clean shutdown: exactly what was delivered, never below what an earlier run may have delivered. */
    long exactMark() {
        return Math.max(deliveredUpTo, restartMark);
    }
}
