package io.keelmq.store.dispatch;

import io.keelmq.store.MessageArrivalListener;
import io.keelmq.store.index.MessageIndex;
import io.keelmq.store.queue.ConsumeQueueTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Builds consume queues and the index from appended records, in commit-log order, on
 * one thread (RocketMQ's ReputMessageService). A record is dispatched only once it is
 * confirmed: written under ASYNC_FLUSH, forced under SYNC_FLUSH, so that no consumer
 * ever sees a message that a crash could take back.
 */
public final class Dispatcher implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    private static final long ERROR_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final ConsumeQueueTable queues;
    private final MessageIndex index;
    private final LongSupplier confirmedOffset;
    private final ConcurrentLinkedQueue<DispatchRequest> pending = new ConcurrentLinkedQueue<>();
    private final List<MessageArrivalListener> listeners = new CopyOnWriteArrayList<>();
    private volatile long dispatchedOffset;
    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Thread thread;

    public Dispatcher(ConsumeQueueTable queues, MessageIndex index, LongSupplier confirmedOffset, long startOffset) {
        this.queues = queues;
        this.index = index;
        this.confirmedOffset = confirmedOffset;
        this.dispatchedOffset = startOffset;
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

    @Override
    public void run() {
        Map<String, Long> arrived = new HashMap<>();
        while (running || !pending.isEmpty()) {
            DispatchRequest request = pending.peek();
            if (request == null || request.endOffset() > confirmedOffset.getAsLong()) {
                notifyArrivals(arrived);
                if (!running) {
                    break;
                }
                parked = true;
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                parked = false;
                continue;
            }
            try {
                dispatch(request);
                pending.poll();
                dispatchedOffset = request.endOffset();
                arrived.put(request.destination() + '\u0000' + request.partition(), request.queueOffset() + 1);
                if (arrived.size() >= 64) {
                    notifyArrivals(arrived);
                }
            } catch (IOException | RuntimeException e) {
                // The record stays pending: consumers do not see it until the write works.
                LOG.error("dispatch of the record at offset {} failed; retrying: {}", request.physicalOffset(), e.toString());
                if (!running) {
                    break;              // the next start dispatches it again from the checkpoint
                }
                LockSupport.parkNanos(this, ERROR_PAUSE_NANOS);
            }
        }
    }

    private void dispatch(DispatchRequest request) throws IOException {
        queues.put(request.destination(), request.partition(), request.queueOffset(), request.physicalOffset(),
                request.size(), request.tagHash());
        if (index != null) {
            index.add(request.messageId(), request.keys(), request.physicalOffset(), request.size(),
                    request.storeTimestamp());
        }
    }

    private void notifyArrivals(Map<String, Long> arrived) {
        if (arrived.isEmpty()) {
            return;
        }
        for (Map.Entry<String, Long> entry : arrived.entrySet()) {
            int split = entry.getKey().lastIndexOf('\u0000');
            String destination = entry.getKey().substring(0, split);
            int partition = Integer.parseInt(entry.getKey().substring(split + 1));
            for (MessageArrivalListener listener : listeners) {
                try {
                    listener.arrived(destination, partition, entry.getValue());
                } catch (RuntimeException e) {
                    LOG.warn("message arrival listener failed", e);
                }
            }
        }
        arrived.clear();
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
