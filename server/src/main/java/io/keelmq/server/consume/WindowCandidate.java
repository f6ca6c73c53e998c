package io.keelmq.server.consume;

import io.keelmq.server.message.DecodedMessage;
import io.keelmq.store.queue.ConsumeQueueEntry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A message of a claim's priority window (see {@code Subscription.claimNew}), and the order in which a window's
 * candidates are claimed: highest priority first, group order over priority, then partition rank, then offset.
 */
final class WindowCandidate {
    static final Comparator<WindowCandidate> ORDER = Comparator.comparingInt((WindowCandidate c) -> -c.priority)
            .thenComparingInt(c -> c.rank).thenComparingLong(c -> c.entry.queueOffset());
    final int rank;
    final PartitionState partition;
    final ConsumeQueueEntry entry;
    /** JMSPriority, raised for a grouped message to that of its group's later candidates. */
    int priority;
    /** JMSXGroupID, or null. */
    final String group;
    /**
     * The message if it was read while collecting the window or deciding, else null (read when its turn comes);
     * null again once delivered or gone.
     */
    DecodedMessage message;
    boolean decided;

    WindowCandidate(int rank, PartitionState partition, ConsumeQueueEntry entry, int priority, String group,
                    DecodedMessage message) {
        this.rank = rank;
        this.partition = partition;
        this.entry = entry;
        this.priority = priority;
        this.group = group;
        this.message = message;
    }

    /**
     * Group order wins over priority (as in Artemis): a grouped message is claimed with the highest priority of itself
     * and its group's later candidates, so a later high-priority message of the group pulls its predecessors ahead
     * with it instead of overtaking them. Ungrouped messages keep their own priority.
     */
    static void groupOrderOverPriority(List<WindowCandidate> candidates) {
        List<WindowCandidate> latestFirst = new ArrayList<>();
        for (WindowCandidate candidate : candidates) {
            if (candidate.group != null) {
                latestFirst.add(candidate);
            }
        }
        if (latestFirst.isEmpty()) {
            return;
        }
        latestFirst.sort(Comparator.comparingLong((WindowCandidate c) -> c.entry.queueOffset()).reversed());
        Map<String, Integer> highest = new HashMap<>();
        for (WindowCandidate candidate : latestFirst) {
            // A group lives in one partition, but the key does not rely on it.
            String key = candidate.partition.partition + "/" + candidate.group;
            candidate.priority = Math.max(candidate.priority, highest.getOrDefault(key, 0));
            highest.put(key, candidate.priority);
        }
    }
}
