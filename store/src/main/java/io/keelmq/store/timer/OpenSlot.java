package io.keelmq.store.timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one wheel slot being delivered: its records in due order, the deliveries in flight, and the
 * records due beyond the slot that are re-added once it is done. Holds one precision step's worth of
 * records, and only while that step is being delivered.
 */
final class OpenSlot {
    private static final Logger LOG = LoggerFactory.getLogger(OpenSlot.class);

    /** A record waiting in the open slot. */
    record Due(long dueMillis, long commitLogOffset, int size, boolean maybeDelivered) {
    }

    private record InFlight(Due due, CompletableFuture<?> delivery) {
    }

    final long slotMillis;
    private final PriorityQueue<Due> waiting = new PriorityQueue<>(Comparator.comparingLong(Due::dueMillis));
    private final List<InFlight> inFlight = new ArrayList<>();
    private final List<TimerEntry> rolled = new ArrayList<>();
    private long delivered;
    private boolean hadFailures;
    private Throwable lastFailure;
    private boolean heldEntries;

    OpenSlot(long slotMillis) {
        this.slotMillis = slotMillis;
    }

    void add(Due due) {
        waiting.add(due);
        heldEntries = true;
    }

    void roll(TimerEntry entry) {
        rolled.add(entry);
        heldEntries = true;
    }

    /** Whether the wheel's slot held anything while open (else it is empty on disk already). */
    boolean heldEntries() {
        return heldEntries;
    }

    List<TimerEntry> rolled() {
        return rolled;
    }

    /** The next record due at or before {@code now}, or null. */
    Due pollDueBy(long now) {
        Due next = waiting.peek();
        return next != null && next.dueMillis() <= now ? waiting.poll() : null;
    }

    /** Due time of the next waiting record, MAX_VALUE if none waits. */
    long nextDueMillis() {
        Due next = waiting.peek();
        return next == null ? Long.MAX_VALUE : next.dueMillis();
    }

    void delivering(Due due, CompletableFuture<?> delivery) {
        inFlight.add(new InFlight(due, delivery));
    }

    int inFlightCount() {
        return inFlight.size();
    }

    /** Waits for every delivery in flight; returns the records whose delivery failed. */
    List<Due> awaitDeliveries() {
        List<Due> failed = new ArrayList<>();
        for (InFlight each : inFlight) {
            try {
                each.delivery().join();
                delivered++;
            } catch (CompletionException | java.util.concurrent.CancellationException e) {
                // Per record at debug only: the timer logs the failing deliveries once (a full disk fails them all).
                lastFailure = e.getCause() == null ? e : e.getCause();
                LOG.debug("delivery of the delayed record at commit-log offset {} failed, retrying: {}",
                        each.due().commitLogOffset(), lastFailure.toString());
                failed.add(each.due());
            }
        }
        inFlight.clear();
        hadFailures |= !failed.isEmpty();
        return failed;
    }

    /** Why the last failed delivery failed, or null. */
    Throwable lastFailure() {
        return lastFailure;
    }

    long deliveredCount() {
        return delivered;
    }

    boolean hadFailures() {
        return hadFailures;
    }
}
