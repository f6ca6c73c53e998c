package io.keelmq.server.consume;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The message groups (JMSXGroupID) of one subscription: Artemis's sticky group owner combined with RocketMQ's orderly
 * consumption ({@code SUSPEND_CURRENT_QUEUE_A_MOMENT}). Guarded by the subscription's lock.
 *
 * <p>A group's messages share one partition (the broker hashes the id), so "in order" means in queue-offset order.
 * The rules, checked by {@link #mayDeliver} before any grouped message is delivered:
 * <ul>
 * <li><b>one owner</b>: while any message of a group is in flight, only the consumer it is in flight to (the owner)
 * may receive more of the group; with prefetch it receives several, in order. The first claim after the group has
 * nothing in flight assigns the owner anew;</li>
 * <li><b>oldest first</b>: a message is delivered only if no earlier message of its group is <em>waiting</em>:
 * released back (recover, rollback, listener failure, close, connection loss) or set aside ("parked") because the
 * group was busy when another consumer came across it;</li>
 * <li><b>pause on failure</b>: a release that counts a delivery (the application saw the message and did not
 * acknowledge it) pauses the group for {@code suspendCurrentQueueTimeMillis}; it then resumes with that message.
 * Releasing prefetched messages the application never saw (a consumer closing) hands the group over at once.</li>
 * </ul>
 * A closed consumer's unacknowledged messages stay with its session (spec 6.2.10), and so does its group, until the
 * session acknowledges, recovers or closes: handing the group on earlier could let a later message be processed
 * before an earlier one that is still to be acknowledged or redelivered.
 *
 * <p>Not covered: a message with a delivery delay joins its group's order only when it is due, and a consumer whose
 * own selector rejects some of a group's messages may receive later ones while others hold the earlier ones.
 *
 * <p>Bounds: a group is known here only while it has messages in flight or waiting, so the map never holds more
 * groups than there are such messages; parking stops at {@link #MAX_PARKED} messages per subscription, after which
 * a busy group's message simply stays in the claiming consumer's window (still correct, the window just fills).
 */
final class MessageGroups {
    /** Messages waiting per subscription beyond which a busy group's messages are no longer set aside. */
    static final int MAX_PARKED = 10_000;

    /** One group with something in flight or waiting. */
    private static final class Group {
        ConsumerState owner;
        final TreeSet<Long> inFlight = new TreeSet<>();
        final TreeSet<Long> waiting = new TreeSet<>();
        long pausedUntil;

        boolean idle() {
            return inFlight.isEmpty() && waiting.isEmpty();
        }
    }

    private final long pauseMillis;
    private final Map<String, Group> groups = new HashMap<>();
    /** The group of every grouped message in flight or waiting, so acks, releases and claims need not read it. */
    private final Map<PartitionOffset, String> groupOf = new HashMap<>();
    /** Messages waiting (released or parked), which bounds parking. */
    private int waitingCount;

    MessageGroups(long pauseMillis) {
        this.pauseMillis = pauseMillis;
    }

    /** The group of a message in flight or waiting, or null (ungrouped, or not known here). */
    String groupOf(PartitionOffset ref) {
        return groupOf.get(ref);
    }

    /** Whether {@code consumer} may receive the message at {@code offset} of {@code group} now (see the class doc). */
    boolean mayDeliver(ConsumerState consumer, String group, long offset, long now) {
        Group g = groups.get(group);
        if (g == null) {
            return true;
        }
        if (g.owner != null && g.owner != consumer) {
            return false;
        }
        if (g.pausedUntil > now) {
            return false;
        }
        return g.waiting.isEmpty() || g.waiting.first() >= offset;
    }

    /** A message of {@code group} is now in flight to {@code consumer}, which owns the group from now on. */
    void delivered(ConsumerState consumer, String group, PartitionOffset ref) {
        Group g = groups.computeIfAbsent(group, k -> new Group());
        if (g.waiting.remove(ref.offset())) {
            waitingCount--;
        }
        g.inFlight.add(ref.offset());
        g.owner = consumer;
        groupOf.put(ref, group);
    }

    /**
     * A message in flight went back; it waits, ahead of its group's later messages. {@code counted}: the application
     * saw it, so the group pauses before it is delivered again.
     */
    void released(PartitionOffset ref, boolean counted, long now) {
        String group = groupOf.get(ref);
        Group g = group == null ? null : groups.get(group);
        if (g == null || !g.inFlight.remove(ref.offset())) {
            return;
        }
        if (g.waiting.add(ref.offset())) {
            waitingCount++;
        }
        if (g.inFlight.isEmpty()) {
            g.owner = null;
        }
        if (counted && pauseMillis > 0) {
            g.pausedUntil = Math.max(g.pausedUntil, now + pauseMillis);
        }
    }

    /** Whether another busy group's message may be set aside. */
    boolean canPark() {
        return waitingCount < MAX_PARKED;
    }

    /** Sets aside a message whose group was busy; the caller keeps it where claims revisit it (redeliverable). */
    void park(String group, PartitionOffset ref) {
        Group g = groups.computeIfAbsent(group, k -> new Group());
        if (!g.inFlight.contains(ref.offset()) && g.waiting.add(ref.offset())) {
            waitingCount++;
            groupOf.put(ref, group);
        }
    }

    /**
     * A message is acknowledged or gone (expired, dropped): it no longer holds its group back.
     *
     * @return whether this ended the group's ownership while messages of it wait: other consumers may take them now
     */
    boolean settled(PartitionOffset ref) {
        String group = groupOf.remove(ref);
        Group g = group == null ? null : groups.get(group);
        if (g == null) {
            return false;
        }
        boolean owned = g.owner != null;
        g.inFlight.remove(ref.offset());
        if (g.waiting.remove(ref.offset())) {
            waitingCount--;
        }
        if (g.inFlight.isEmpty()) {
            g.owner = null;
        }
        if (g.idle()) {
            groups.remove(group);
        }
        return owned && g.owner == null && !g.waiting.isEmpty();
    }

    /** Earliest end of a pause after {@code now} of a group with messages waiting, or 0 if none. */
    long nextResume(long now) {
        long next = 0;
        for (Group g : groups.values()) {
            if (g.pausedUntil > now && !g.waiting.isEmpty() && (next == 0 || g.pausedUntil < next)) {
                next = g.pausedUntil;
            }
        }
        return next;
    }

    /** Groups currently known (in flight or waiting); for tests and bounds checks. */
    int size() {
        return groups.size();
    }

    void clear() {
        groups.clear();
        groupOf.clear();
        waitingCount = 0;
    }
}
