package io.keelmq.store.dispatch;

import io.keelmq.store.MessageArrivalListener;
import io.keelmq.store.index.MessageIndex;
import io.keelmq.store.io.FailureBackoff;
import io.keelmq.store.queue.ConsumeQueueTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Builds consume queues and the index from appended records, in commit-log order, on
 * one thread (RocketMQ's ReputMessageService). A record is dispatched only once it is
 * confirmed: written under ASYNC_FLUSH, forced under SYNC_FLUSH, so that no consumer
 * ever sees a message that a crash could take back.
 *
 * <p>Records are taken in batches: the entries of one queue in a batch are consecutive,
 * so each queue costs one write per batch rather than one per record.
 *
 * <p>Under SYNC_FLUSH the group-commit thread dispatches right after each force
 * ({@link #dispatchConfirmed}), so the sends it then completes are already visible and
 * no thread has to be woken for it. The dispatcher's thread stays for ASYNC_FLUSH and
 * as the fallback (a failed write is retried there). One lock keeps dispatching to one
 * thread at a time, in commit-log order.
 */
public final class Dispatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final int MAX_BATCH = 1024;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** When the group-commit thread dispatches, this thread is only the fallback: no need to look often. */
    private static final long FALLBACK_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** While writes fail, the thread looks this often whether the growing pause of {@link #backoff} is over. */
    private static final long BACKOFF_LOOK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final ConsumeQueueTable queues;
    private final MessageIndex index;
    private final LongSupplier confirmedOffset;
    private final ConcurrentLinkedQueue<DispatchRequest> pending = new ConcurrentLinkedQueue<>();
    private final List<MessageArrivalListener> listeners = new CopyOnWriteArrayList<>();
    private final List<DispatchRequest> batch = new ArrayList<>(MAX_BATCH);
    /** A full disk fails every write for as long as it lasts: retry with a growing pause, log the changes only. */
    private final FailureBackoff backoff = new FailureBackoff("dispatch to consume queues and index", LOG, 200, 10_000);
    private volatile long dispatchedOffset;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Thread thread;
    /** Held while taking and dispatching a batch (and telling the listeners), by whichever thread does it. */
    private final ReentrantLock dispatching = new ReentrantLock();
    /**
     * Queues dispatched and not yet told to the listeners (see {@link #dispatchConfirmedUnannounced}), by queue key:
     * partition and new max offset. Under {@code dispatching}.
     */
    private final Map<String, long[]> unannounced = new LinkedHashMap<>();
    /** Another thread dispatches ({@link #dispatchedElsewhere}): this one only retries and picks up leftovers. */
    private volatile boolean fallbackOnly;
    /** The dispatched offset at this thread's previous look, when it is only the fallback. */
    private long dispatchedAtLastLook = -1;

    public Dispatcher(ConsumeQueueTable queues, MessageIndex index, LongSupplier confirmedOffset, long startOffset) {
        this.queues = queues;
        this.index = index;
        this.confirmedOffset = confirmedOffset;
        this.dispatchedOffset = startOffset;
    }

    /**
     * Another thread calls {@link #dispatchConfirmed} whenever records are confirmed (the group commit under
     * SYNC_FLUSH): this thread then only retries failed writes, and wakes less often when idle.
     */
    public void dispatchedElsewhere() {
        fallbackOnly = true;
    }

    public void start() {
        Thread t = new Thread(this, "keel-store-dispatcher");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Called under the append lock, so requests arrive in commit-log order. */
    public void submit(DispatchRequest request) {
        pending.add(request);
    }

    /** Tells the dispatcher that more records may be confirmed. */
    public void wakeUp() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
    }

    public void addListener(MessageArrivalListener listener) {
        listeners.add(listener);
    }

    /** End offset of the last record visible in the consume queues. */
    public long dispatchedOffset() {
        return dispatchedOffset;
    }

    /**
     * Dispatches, on the calling thread, every record confirmed now (waits if another thread is
     * dispatching). On a failed write the batch stays and the dispatcher's thread retries it.
     */
    public void dispatchConfirmed() {
        dispatching.lock();
        try {
            dispatchAllConfirmed();
            announceUnderLock();
        } finally {
            dispatching.unlock();
        }
    }

    /**
     * Like {@link #dispatchConfirmed}, but the listeners are told only by the next {@link #announceArrivals} (or any
     * other dispatch). The group commit dispatches so before it completes the sends of its force, and announces
     * after: a listener may claim and answer pulls on the calling thread, and no send should wait for that.
     */
    public void dispatchConfirmedUnannounced() {
        dispatching.lock();
        try {
            dispatchAllConfirmed();
        } finally {
            dispatching.unlock();
        }
    }

    /** Batch after batch until nothing confirmed is left (a large group commit confirms more than one); under lock. */
    private void dispatchAllConfirmed() {
        while (dispatchBatchIfAny() == Step.DISPATCHED) {
            // Keep going.
        }
    }

    /** Tells the listeners what was dispatched and not yet told, on the calling thread. */
    public void announceArrivals() {
        dispatching.lock();
        try {
            announceUnderLock();
        } finally {
            dispatching.unlock();
        }
    }

    private void announceUnderLock() {
        if (unannounced.isEmpty()) {
            return;
        }
        // A copy: the lock is reentrant, and a listener that dispatched on this thread would change the map.
        Map<String, long[]> arrived = new LinkedHashMap<>(unannounced);
        unannounced.clear();
        notifyArrivals(arrived);
    }

    /** FAILED: a write failed just now; BACKING_OFF: one failed before and its pause is not over. */
    private enum Step { DISPATCHED, NOTHING, FAILED, BACKING_OFF }

    @Override
    public void run() {
        while (running || !pending.isEmpty()) {
            Step step;
            dispatching.lock();
            try {
                step = fallbackOnly && running && !fallbackDue() ? Step.NOTHING : dispatchBatchIfAny();
                if (step == Step.DISPATCHED) {
                    announceUnderLock();
                }
            } finally {
                dispatching.unlock();
            }
            if (step == Step.NOTHING) {
                if (!running) {
                    break;
                }
                parked = true;
                // The fallback always waits before its next look, or "not dispatched since the previous look"
                // would hold microseconds after a force, and it would take the batch from the group commit.
                // One peek: the group-commit thread may take the head between two of them.
                DispatchRequest head = pending.peek();
                if (fallbackOnly || head == null || head.endOffset() > confirmedOffset.getAsLong()) {
                    LockSupport.parkNanos(this, fallbackOnly ? FALLBACK_PARK_NANOS : IDLE_PARK_NANOS);
                }
                parked = false;
            } else if (step == Step.FAILED || step == Step.BACKING_OFF) {
                if (!running) {
                    break;              // the next start dispatches it again from the checkpoint
                }
                LockSupport.parkNanos(this, BACKOFF_LOOK_NANOS);
            }
        }
    }

    /**
     * As the fallback, this thread dispatches only a batch left by a failed write, or confirmed records that nobody
     * dispatched since its previous look: taking fresh ones would race the group-commit thread, which then waits for
     * this thread (perhaps descheduled) before it answers its sends. Under {@code dispatching}.
     */
    private boolean fallbackDue() {
        if (!batch.isEmpty()) {
            return true;
        }
        DispatchRequest head = pending.peek();
        boolean stale = head != null && head.endOffset() <= confirmedOffset.getAsLong()
                && dispatchedOffset == dispatchedAtLastLook;
        dispatchedAtLastLook = dispatchedOffset;
        return stale;
    }

    /** One batch (the one left by a failed write, or newly confirmed records); under {@code dispatching}. */
    private Step dispatchBatchIfAny() {
        if (!backoff.due()) {
            return Step.BACKING_OFF;    // whichever thread asks: the group commit must not retry on every force
        }
        if (batch.isEmpty()) {
            takeConfirmed();
        }
        if (batch.isEmpty()) {
            return Step.NOTHING;
        }
        try {
            Map<String, long[]> arrived = dispatchBatch();
            dispatchedOffset = batch.get(batch.size() - 1).endOffset();
            batch.clear();
            backoff.succeeded();
            // A later batch of the same queue has the higher max offset: the last one put stays.
            unannounced.putAll(arrived);
            return Step.DISPATCHED;
        } catch (IOException | RuntimeException e) {
            // The batch stays: consumers do not see it until the write works. Writes
            // are positional by queue offset, so repeating part of one is harmless.
            backoff.failed(new IOException("the batch from commit-log offset " + batch.get(0).physicalOffset()
                    + ": " + e, e));
            for (MessageArrivalListener listener : listeners) {
                listener.dispatchFailing();
            }
            return Step.FAILED;
        }
    }

    /** Whether writes of consume queues or index are failing (their retries back off). */
    public boolean failing() {
        return backoff.failing();
    }

    private void takeConfirmed() {
        long confirmed = confirmedOffset.getAsLong();
        DispatchRequest next;
        while (batch.size() < MAX_BATCH && (next = pending.peek()) != null && next.endOffset() <= confirmed) {
            batch.add(pending.poll());
        }
    }

    /** Writes the batch; answers, per queue, the destination, partition and new max offset. */
    private Map<String, long[]> dispatchBatch() throws IOException {
        Map<String, List<DispatchRequest>> byQueue = new LinkedHashMap<>();
        for (DispatchRequest request : batch) {
            byQueue.computeIfAbsent(request.destination() + '\u0000' + request.partition(), k -> new ArrayList<>())
                    .add(request);
        }
        Map<String, long[]> arrived = new LinkedHashMap<>();
        for (Map.Entry<String, List<DispatchRequest>> entry : byQueue.entrySet()) {
            writeRuns(entry.getValue());
            DispatchRequest last = entry.getValue().get(entry.getValue().size() - 1);
            arrived.put(entry.getKey(), new long[]{last.partition(), last.queueOffset() + 1});
        }
        if (index != null) {
            for (DispatchRequest request : batch) {
                if (!request.messageId().isEmpty() || !request.keys().isEmpty()) {
                    index.add(request.messageId(), request.keys(), request.physicalOffset(), request.size(),
                            request.storeTimestamp());
                }
            }
        }
        return arrived;
    }

    /** One queue's requests: each run of consecutive offsets goes out in one write. */
    private void writeRuns(List<DispatchRequest> requests) throws IOException {
        int runStart = 0;
        for (int i = 1; i <= requests.size(); i++) {
            if (i < requests.size() && requests.get(i).queueOffset() == requests.get(i - 1).queueOffset() + 1) {
                continue;
            }
            int count = i - runStart;
            long[] physical = new long[count];
            int[] sizes = new int[count];
            long[] tags = new long[count];
            for (int k = 0; k < count; k++) {
                DispatchRequest request = requests.get(runStart + k);
                physical[k] = request.physicalOffset();
                sizes[k] = request.size();
                tags[k] = request.tagHash();
            }
            DispatchRequest first = requests.get(runStart);
            queues.putRun(first.destination(), first.partition(), first.queueOffset(), physical, sizes, tags, count);
            runStart = i;
        }
    }

    private void notifyArrivals(Map<String, long[]> arrived) {
        for (Map.Entry<String, long[]> entry : arrived.entrySet()) {
            String destination = entry.getKey().substring(0, entry.getKey().lastIndexOf('\u0000'));
            for (MessageArrivalListener listener : listeners) {
                try {
                    listener.arrived(destination, (int) entry.getValue()[0], entry.getValue()[1]);
                } catch (RuntimeException e) {
                    LOG.warn("message arrival listener failed", e);
                }
            }
        }
    }

    /**
     * Replication: the log was cut at {@code offset} (see {@code MessageStore.truncateReplica}); requests for records
     * at or after it are dropped, and dispatching continues from there.
     */
    public void rewindTo(long offset) {
        dispatching.lock();
        try {
            pending.removeIf(request -> request.physicalOffset() >= offset);
            batch.removeIf(request -> request.physicalOffset() >= offset);
            dispatchedOffset = Math.min(dispatchedOffset, offset);
        } finally {
            dispatching.unlock();
        }
    }

    /** Dispatches what is confirmed, then stops. */
    public void shutdown() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
