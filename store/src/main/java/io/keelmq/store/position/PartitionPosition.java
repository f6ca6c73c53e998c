package io.keelmq.store.position;

import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * How far a subscription has consumed one partition: every offset below the low
 * watermark is acknowledged, and so are the offsets in {@code ackedAbove}. Messages
 * on a queue are acknowledged out of order by competing consumers, so a single
 * offset cannot describe the position.
 */
public final class PartitionPosition {
    private long lowWatermark;
    private final NavigableSet<Long> ackedAbove = new TreeSet<>();

    PartitionPosition(long lowWatermark) {
        this.lowWatermark = lowWatermark;
    }

    public synchronized long lowWatermark() {
        return lowWatermark;
    }

    /** How many offsets above the low watermark are acknowledged (out of order). */
    public synchronized int ackedAboveCount() {
        return ackedAbove.size();
    }

    public synchronized boolean isAcked(long offset) {
        return offset < lowWatermark || ackedAbove.contains(offset);
    }

    /** Records an acknowledgement; the watermark moves up over every contiguous one. */
    synchronized boolean ack(long offset) {
        if (offset < lowWatermark || !ackedAbove.add(offset)) {
            return false;
        }
        absorbContiguous();
        return true;
    }

    private void absorbContiguous() {
        while (!ackedAbove.isEmpty() && ackedAbove.first() == lowWatermark) {
            ackedAbove.pollFirst();
            lowWatermark++;
        }
    }

    /** Acknowledges everything below {@code offset} (a cumulative acknowledgement). */
    synchronized void ackUpTo(long offset) {
        if (offset > lowWatermark) {
            lowWatermark = offset;
            ackedAbove.headSet(offset, false).clear();
        }
        absorbContiguous();
    }

    /** Moves the position to {@code offset}, forgetting individual acknowledgements (backtracking). */
    synchronized void reset(long offset) {
        lowWatermark = offset;
        ackedAbove.clear();
    }

    synchronized long[] ackedAboveSnapshot() {
        return ackedAbove.stream().mapToLong(Long::longValue).toArray();
    }

    synchronized void restoreAcked(long[] offsets) {
        for (long offset : offsets) {
            if (offset >= lowWatermark) {
                ackedAbove.add(offset);
            }
        }
    }
}
