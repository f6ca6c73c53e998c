package io.keelmq.server.ha;

import io.keelmq.store.MessageStore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * A master's view of its slaves: which are in sync, the confirmed offset (the lowest acknowledgement among them,
 * beyond which consumers see nothing), and the SYNC_MASTER sends waiting for it.
 *
 * <p>A slave is in sync while it is connected, was heard from within {@code haHousekeepingInterval}, and lags the
 * master's log by at most {@code haMaxGapNotInSync} bytes (RocketMQ's rule). Its acknowledgement is the end of what
 * it has written (verified, in its file: a crash of its process does not lose it), as RocketMQ's slaves report.
 *
 * <p>A waiting send completes SEND_OK once every in-sync slave acknowledged its end; SLAVE_NOT_AVAILABLE when the
 * set is (or becomes) empty; FLUSH_SLAVE_TIMEOUT when {@code syncFlushTimeout} passes first. Never SEND_OK while no
 * slave has the message.
 *
 * <p>In controller mode the controller's in-sync set also counts ({@link #require}): SEND_OK waits until every slave
 * of that set is in sync here and has the message too, so whichever of them the controller may elect holds every
 * SEND_OK message, even while this master's own view of its slaves and the controller's differ.
 */
final class ReplicaSet {
    private record Waiter(long endOffset, long deadlineNanos, CompletableFuture<String> status) {
    }

    private final MessageStore store;
    private final long maxGap;
    private final long silenceNanos;
    private final long timeoutNanos;
    private final Set<SlaveLink> links = new CopyOnWriteArraySet<>();
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.endOffset, b.endOffset));
    /** Slaves in sync at the last {@link #recompute}; under {@code this}. */
    private List<SlaveLink> inSync = List.of();
    private long confirmed = Long.MAX_VALUE;
    /** The slaves (brokerIds) of the controller's in-sync set; empty with fixed roles. Under {@code this}. */
    private Set<String> required = Set.of();
    /** The end of the furthest send answered SEND_OK; under {@code this}. */
    private long sendOkEnd;

    ReplicaSet(MessageStore store, long maxGap, long housekeepingMillis, long syncFlushTimeoutMillis) {
        this.store = store;
        this.maxGap = maxGap;
        this.silenceNanos = housekeepingMillis * 1_000_000L;
        this.timeoutNanos = syncFlushTimeoutMillis * 1_000_000L;
    }

    void connected(SlaveLink link) {
        links.add(link);
        recompute();
    }

    void disconnected(SlaveLink link) {
        if (links.remove(link)) {
            recompute();
        }
    }

    void acknowledged(SlaveLink link) {
        recompute();
    }

    /** Tells every slave's link that records reached the file. */
    void written() {
        for (SlaveLink link : links) {
            link.wakeUp();
        }
    }

    /** The controller's in-sync set changed: these slaves must have a message before it is SEND_OK. */
    void require(Set<String> slaveIds) {
        synchronized (this) {
            required = Set.copyOf(slaveIds);
        }
        recompute();
    }

    /** The in-sync slaves by brokerId, each with its acknowledged end, and the furthest SEND_OK end. */
    synchronized java.util.Map<String, Long> inSyncAcks() {
        java.util.Map<String, Long> acks = new java.util.TreeMap<>();
        for (SlaveLink link : inSync) {
            if (!link.slaveId().isEmpty()) {
                acks.put(link.slaveId(), link.ackedWritten());
            }
        }
        return acks;
    }

    /** The end of the furthest send answered SEND_OK so far. */
    synchronized long sendOkEnd() {
        return sendOkEnd;
    }

    /** Whether every slave the controller counts in sync is in sync here too (under {@code this}). */
    private boolean requiredInSync() {
        if (required.isEmpty()) {
            return true;
        }
        int found = 0;
        for (SlaveLink link : inSync) {
            if (required.contains(link.slaveId())) {
                found++;
            }
        }
        return found == required.size();
    }

    /** The client addresses (host:port) of the connected slaves that told theirs, in the order they connected. */
    List<String> slaveClientAddresses() {
        List<String> addresses = new ArrayList<>();
        for (SlaveLink link : links) {
            String address = link.slaveClientAddress();
            if (!address.isEmpty() && !addresses.contains(address)) {
                addresses.add(address);
            }
        }
        return addresses;
    }

    /** Whether any slave is connected. */
    boolean hasSlaves() {
        return !links.isEmpty();
    }

    /** Sends the changed sections of the master's state to every connected slave; on the HA event loop. */
    void sendState(List<ReplicatedState.Section> sections, int maxFrame) {
        for (SlaveLink link : links) {
            link.sendState(sections, maxFrame);
        }
    }

    /** Completes with the send status of records ending at {@code endOffset}, which the master has forced. */
    CompletableFuture<String> awaitReplicated(long endOffset) {
        synchronized (this) {
            if (inSync.isEmpty()) {
                return CompletableFuture.completedFuture("SLAVE_NOT_AVAILABLE");
            }
            if (confirmed >= endOffset && requiredInSync()) {
                sendOkEnd = Math.max(sendOkEnd, endOffset);
                return CompletableFuture.completedFuture("SEND_OK");
            }
            Waiter waiter = new Waiter(endOffset, System.nanoTime() + timeoutNanos, new CompletableFuture<>());
            waiters.add(waiter);
            return waiter.status;
        }
    }

    /** In-sync slaves now. */
    synchronized int inSyncCount() {
        return inSync.size();
    }

    /** The lowest acknowledgement of the in-sync slaves, {@code Long.MAX_VALUE} when there is none. */
    synchronized long confirmedOffset() {
        return confirmed;
    }

    /** Every slave's state, for logs and tests. */
    List<String> describe() {
        List<String> out = new ArrayList<>();
        for (SlaveLink link : links) {
            out.add(link.toString());
        }
        return out;
    }

    /** Housekeeping: counts silent slaves out, times out sends that waited longer than syncFlushTimeout. */
    void housekeeping() {
        recompute();
        List<Waiter> expired = new ArrayList<>();
        synchronized (this) {
            long now = System.nanoTime();
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter waiter = it.next();
                if (now - waiter.deadlineNanos >= 0) {
                    it.remove();
                    expired.add(waiter);
                }
            }
        }
        for (Waiter waiter : expired) {
            waiter.status.complete("FLUSH_SLAVE_TIMEOUT");
        }
    }

    /**
     * Re-decides the in-sync set and the confirmed offset, lets consumers see up to it, and completes the sends it
     * answers. The store's limit moves under this lock, so two recomputes never set it out of order.
     */
    private void recompute() {
        List<Waiter> done = new ArrayList<>();
        String status;
        synchronized (this) {
            long now = System.nanoTime();
            long logEnd = store.commitLogMaxOffset();
            List<SlaveLink> nowInSync = new ArrayList<>();
            long lowest = Long.MAX_VALUE;
            for (SlaveLink link : links) {
                long acked = link.ackedWritten();
                if (acked >= 0 && now - link.lastHeardNanos() < silenceNanos && logEnd - acked <= maxGap) {
                    nowInSync.add(link);
                    lowest = Math.min(lowest, acked);
                }
            }
            inSync = List.copyOf(nowInSync);
            confirmed = lowest;
            store.limitVisibleTo(lowest);
            if (inSync.isEmpty()) {
                status = "SLAVE_NOT_AVAILABLE";
                done.addAll(waiters);
                waiters.clear();
            } else {
                status = "SEND_OK";
                while (requiredInSync() && !waiters.isEmpty() && waiters.peek().endOffset <= lowest) {
                    Waiter waiter = waiters.poll();
                    sendOkEnd = Math.max(sendOkEnd, waiter.endOffset);
                    done.add(waiter);
                }
            }
        }
        for (Waiter waiter : done) {
            waiter.status.complete(status);
        }
    }
}
