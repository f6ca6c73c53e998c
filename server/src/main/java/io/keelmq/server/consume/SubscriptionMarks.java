package io.keelmq.server.consume;

import java.io.IOException;

/**
 * A persisted subscription's "delivered up to" marks (see {@link DeliveryMarks}): kept on disk ahead of its
 * deliveries a chunk at a time, lowered by a reset, set to exactly what was delivered at a clean shutdown. Works on
 * the subscription's {@link PartitionState}s under the subscription's lock, which is also the lock the background
 * reservation's completion takes.
 */
final class SubscriptionMarks {
    private final DeliveryMarks marks;
    private final String key;
    private final int markChunk;
    /** The subscription whose lock guards the partition states. */
    private final Object lock;

    SubscriptionMarks(DeliveryMarks marks, String key, int markChunk, Object lock) {
        this.marks = marks;
        this.key = key;
        this.markChunk = markChunk;
        this.lock = lock;
    }

    /**
     * Makes sure a "delivered up to" mark above {@code offset} is on disk before the message is delivered. Once half
     * of the reserved chunk is delivered, the next chunk is reserved in the background, so deliveries normally never
     * wait for the write (which would hold the subscription's lock, and with it acknowledgements and other claims);
     * only a delivery that overtakes the background write reserves synchronously. Called under the lock.
     */
    void reserve(PartitionState partition, long offset) throws IOException {
        if (offset >= partition.reservedMark) {
            long mark = offset + markChunk;
            marks.reserve(key, partition.partition, mark);
            partition.reservedMark = mark;
        }
        if (!partition.reservingAhead && offset >= partition.reservedMark - markChunk / 2) {
            partition.reservingAhead = true;
            long ahead = partition.reservedMark + markChunk;
            int epoch = partition.markEpoch;
            marks.reserveAhead(key, partition.partition, ahead, written -> reservedAhead(partition, epoch, ahead,
                    written));
        }
    }

    /** A background reservation ended (see {@link #reserve}); a reset since then (new epoch) makes it moot. */
    private void reservedAhead(PartitionState partition, int epoch, long mark, boolean written) {
        synchronized (lock) {
            if (partition.markEpoch != epoch) {
                return;
            }
            partition.reservingAhead = false;
            if (written) {
                partition.reservedMark = Math.max(partition.reservedMark, mark);
            }
        }
    }

    /** A reset moved the positions to {@code offsets} (persisted by the caller first): the marks follow them. */
    void resetTo(PartitionState[] partitions, long[] offsets) throws IOException {
        for (PartitionState partition : partitions) {
            marks.set(key, partition.partition, offsets[partition.partition]);
        }
        marks.persist();
    }

    /** Clean shutdown: marks drop to exactly what was delivered (never below the start-up mark). */
    void recordExact(PartitionState[] partitions) {
        for (PartitionState state : partitions) {
            marks.set(key, state.partition, state.exactMark());
        }
    }
}
