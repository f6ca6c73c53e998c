package io.keelmq.jms;

import io.keelmq.jms.message.PropertyNames;
import io.keelmq.jms.provider.Delivery;
import io.keelmq.jms.provider.DeliveryCallback;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.PullCredit;
import io.keelmq.jms.provider.PullRequest;
import io.keelmq.jms.provider.Undelivered;
import jakarta.jms.JMSException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer's prefetch: the messages pulled from the broker and not yet handed to the application, and the pulling
 * that keeps it filled within the window (pullThresholdForQueue messages, pullThresholdSizeForQueue MiB). The buffer
 * is kept in JMSPriority order (highest first, arrival order within a priority), like the broker's claims.
 *
 * <p>While the buffer holds at most half the message threshold and is below the byte threshold, exactly one
 * long-polling PULL is outstanding; its window is what the thresholds leave free. It is a standing pull: the broker
 * sends what arrives as partial answers within the window, and the consumer widens the window with CREDIT as the
 * application takes messages, so a consumer that keeps up sends no PULL per batch (one per hold time). Without
 * prefetch (pullThresholdForQueue=0) or hold time each long poll is a one-shot pull. Answers arrive on the transport
 * thread in frame order, which gives two guarantees:
 * <ul>
 * <li>during a recover, deliveries answered before the broker's RECOVER answer were released by it and are dropped;
 * those answered after it are new and kept;</li>
 * <li>after close, deliveries answered before the zero-message PULL that {@link #endPulls()} sends are listed in
 * CLOSE_CONSUMER; any later one (there should be none) is handed to the session, which releases it in its next
 * undelivered list.</li>
 * </ul>
 */
final class ConsumerBuffer {
    private static final System.Logger LOG = System.getLogger(ConsumerBuffer.class.getName());
    /** Pause before pulling again after a failed PULL, so a broker refusing pulls is not asked in a loop. */
    private static final long PULL_RETRY_MILLIS = 1000;

    private final KeelMessageConsumer consumer;
    private final Provider provider;
    private final int maxMessages;
    private final long maxBytes;
    private final long holdMillis;
    private final long requestTimeoutMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Delivery> deliveries = new ArrayDeque<>();
    private long bytes;
    private boolean longPollOutstanding;
    /** The outstanding long poll's id if it is a standing pull, else 0; ids are never reused. */
    private long standingId;
    private long lastStandingId;
    /** The standing pull's window: messages and message bytes granted and received since it began. */
    private long granted;
    private long grantedBytes;
    private long received;
    private long receivedBytes;
    /** Long-poll PULLs decided but not yet handed to the provider ({@link #endPulls} waits for them). */
    private int pullsBeingSent;
    private boolean recovering;
    private boolean closed;
    private int receivers;
    /** Receives waiting in {@link #take} for a message (what a consumer without prefetch pulls for). */
    private int waiting;
    /** Deliveries that arrived after close, until {@link #endPulls()} takes them; null afterwards. */
    private List<Undelivered> late = new ArrayList<>();

    ConsumerBuffer(KeelMessageConsumer consumer, Provider provider, ConnectionOptions options) {
        this.consumer = consumer;
        this.provider = provider;
        this.maxMessages = options.getPullThresholdForQueue();
        this.maxBytes = options.pullThresholdBytes();
        this.holdMillis = options.getPollHoldMillis();
        this.requestTimeoutMillis = options.getRequestTimeout();
    }

    /**
     * Issues the long poll if none is outstanding, the window has room and the connection is started. A consumer of a
     * stopped connection pulls nothing: messages it prefetched could not be delivered, yet no competing consumer could
     * have them either (a connection is created stopped, and the TCK sends to a queue on which such a consumer waits).
     * {@link #wakeUp()} pulls once the connection starts.
     */
    void pullIfNeeded() {
        PullRequest request;
        PullCredit credit = null;
        lock.lock();
        try {
            if (closed || recovering || provider.isClosed() || !consumer.isStarted()) {
                return;
            }
            if (longPollOutstanding) {
                credit = standingId == 0 ? null : creditIfDue();
                request = null;
            } else if (belowRefillMark()) {
                longPollOutstanding = true;
                pullsBeingSent++;
                request = nextPull();
            } else {
                return;
            }
        } finally {
            lock.unlock();
        }
        if (credit != null) {
            provider.credit(credit);
            return;
        }
        if (request == null) {
            return;
        }
        try {
            provider.pull(request, new Answer(true, null));
        } finally {
            lock.lock();
            try {
                pullsBeingSent--;
                if (closed) {
                    // Only endPulls, which runs after close, waits for this count; receivers need no wake-up.
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The long poll to send now (lock held): a standing pull whose window is what the thresholds leave free, or,
     * without prefetch or hold time, a one-shot pull.
     */
    private PullRequest nextPull() {
        if (noPrefetch() || holdMillis == 0) {
            standingId = 0;
            return new PullRequest(consumer.consumerId(), noPrefetch() ? 1 : maxMessages - deliveries.size(),
                    maxBytes - bytes, holdMillis);
        }
        standingId = ++lastStandingId;
        received = 0;
        receivedBytes = 0;
        granted = maxMessages - deliveries.size();
        grantedBytes = maxBytes - bytes;
        return new PullRequest(consumer.consumerId(), (int) granted, grantedBytes, holdMillis, standingId);
    }

    /**
     * The CREDIT to send now for the standing pull, or null (lock held). Refilled by halves, like the one-shot pulls
     * before it (see {@link #belowRefillMark}): due once what is buffered plus what the broker may still send is at
     * most half the window, or the broker may send nothing more (one of its credits is used up; it sends a claim's
     * first message even past the byte credit, so received may pass granted) and the buffer is down to half. The new
     * totals are what was received plus what the buffer has room for; they only grow, so a CREDIT overtaken on its
     * way changes nothing.
     */
    private PullCredit creditIfDue() {
        long owedMessages = granted - received;
        long owedBytes = grantedBytes - receivedBytes;
        boolean exhausted = owedMessages <= 0 || owedBytes <= 0;
        long pendingMessages = deliveries.size() + (exhausted ? 0 : owedMessages);
        long pendingBytes = bytes + (exhausted ? 0 : owedBytes);
        if (pendingMessages > maxMessages / 2 || pendingBytes > maxBytes / 2) {
            return null;
        }
        long messages = received + maxMessages - deliveries.size();
        long windowBytes = receivedBytes + maxBytes - bytes;
        if (messages <= granted && windowBytes <= grantedBytes) {
            return null;
        }
        granted = Math.max(granted, messages);
        grantedBytes = Math.max(grantedBytes, windowBytes);
        return new PullCredit(consumer.consumerId(), standingId, granted, grantedBytes);
    }

    /**
     * Whether the buffer has room to pull again: at most half the message threshold buffered, and less than the
     * byte threshold. Refilling each freed slot at once would make every PULL a claim of a message or two, and a
     * broker's claim costs about as much for one message as for hundreds (it scans its priority window either way);
     * refilling by halves keeps the same window while the broker claims in batches. A consumer that keeps up sees no
     * difference: its buffer is empty and a long poll outstanding.
     */
    private boolean belowRefillMark() {
        if (noPrefetch()) {
            return deliveries.isEmpty() && (waiting > 0 || consumer.hasIdleListener());
        }
        return deliveries.size() <= maxMessages / 2 && bytes < maxBytes;
    }

    /**
     * pullThresholdForQueue=0: one message is asked for only while the application is ready for it (a receive waits,
     * or the listener is idle), never while it works on one, so a slow consumer does not hold a message another could
     * have. A receive that ends without one ends its pull (see {@link #take}).
     */
    private boolean noPrefetch() {
        return maxMessages == 0;
    }

    /**
     * For receiveNoWait on an empty buffer: a PULL that the broker answers at once (holdMillis 0), awaited, so a
     * message already at the broker is "immediately available".
     */
    void probe() throws JMSException {
        lock.lock();
        try {
            if (closed || recovering || !deliveries.isEmpty()) {
                return;
            }
        } finally {
            lock.unlock();
        }
        CompletableFuture<Void> answered = new CompletableFuture<>();
        provider.pull(new PullRequest(consumer.consumerId(), 1, Math.max(1, maxBytes - bytes), 0),
                new Answer(false, answered));
        try {
            answered.get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The buffer is simply empty; a broken connection is reported by the caller.
        }
    }

    /**
     * Waits for a message that may be delivered: the connection is started and the buffer not empty.
     *
     * @param timeoutMillis negative waits without limit
     * @return null on timeout, close or connection failure
     */
    Delivery take(long timeoutMillis) throws InterruptedException {
        long deadline = timeoutMillis < 0 ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(
                timeoutMillis);
        Delivery d;
        if (noPrefetch()) {
            lock.lock();
            try {
                waiting++;
            } finally {
                lock.unlock();
            }
            pullIfNeeded();
        }
        boolean endPoll = false;
        lock.lock();
        try {
            while (!closed && !provider.isClosed() && !(consumer.isStarted() && !deliveries.isEmpty())) {
                if (timeoutMillis < 0) {
                    changed.await();
                } else {
                    long remaining = deadline - System.nanoTime();
                    if (remaining <= 0) {
                        break;
                    }
                    changed.awaitNanos(remaining);
                }
            }
            d = closed || !consumer.isStarted() ? null : removeFirst();
        } finally {
            if (noPrefetch()) {
                waiting--;
                // Nobody waits any more: a pull still held would bring a message nobody asked for.
                endPoll = waiting == 0 && longPollOutstanding && !closed;
            }
            lock.unlock();
        }
        if (endPoll && !provider.isClosed()) {
            provider.pull(PullRequest.endHeld(consumer.consumerId()), new Answer(false, null));
        }
        pullIfNeeded();
        return d;
    }

    /** The listener returned: a consumer without prefetch asks for the next message now. */
    void listenerReturned() {
        if (noPrefetch()) {
            pullIfNeeded();
        }
    }

    /** The next message if one may be delivered now, else null. */
    Delivery poll() {
        Delivery d;
        lock.lock();
        try {
            d = closed || !consumer.isStarted() ? null : removeFirst();
        } finally {
            lock.unlock();
        }
        if (d != null && !noPrefetch()) {
            pullIfNeeded();
        }
        return d;
    }

    boolean isEmpty() {
        return size() == 0;
    }

    /** Messages buffered and not yet handed to the application. */
    int size() {
        lock.lock();
        try {
            return deliveries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Puts a message back in front, as if it had not been taken (receiveBody failing in AUTO_ACKNOWLEDGE). */
    void pushBack(Delivery d) {
        lock.lock();
        try {
            deliveries.addFirst(d);
            bytes += d.encodedLength();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Starts a recover: empties the buffer and drops what arrives until {@link #endRecovery()}. */
    List<Undelivered> beginRecovery() {
        lock.lock();
        try {
            recovering = true;
            return drain();
        } finally {
            lock.unlock();
        }
    }

    /** The broker answered RECOVER (transport thread): deliveries from now on are new. */
    void endRecovery() {
        lock.lock();
        try {
            recovering = false;
        } finally {
            lock.unlock();
        }
        pullIfNeeded();
    }

    /** Stops receiving: pending receives return null; returns what was never handed to the application. */
    List<Undelivered> close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            return drain();
        } finally {
            lock.unlock();
        }
    }

    /**
     * After {@link #close()}, before CLOSE_CONSUMER: ends the outstanding long poll with a zero-message PULL and waits
     * for its answer. The broker answers the held pull before it (empty, unless messages were already claimed for
     * it), so afterwards no PULL answer of this consumer can bring messages. Without this, messages claimed for the
     * long poll just before the broker saw CLOSE_CONSUMER would stay in flight, unseen, until the session ends.
     *
     * @return what PULL answers brought after close, to be listed as undelivered in CLOSE_CONSUMER
     */
    List<Undelivered> endPulls() {
        boolean outstanding;
        lock.lock();
        try {
            // A long poll decided just before close (on the transport thread, after an answer) may still be on its
            // way to the provider. The zero-message PULL must follow it on the wire: sent first, the broker would
            // answer it, then claim messages for the long poll, whose answer would come after CLOSE_CONSUMER with
            // messages nobody releases until the session ends (ConsumerLifecycleJmsTest saw 11 of 400 go so).
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis);
            while (pullsBeingSent > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                changed.awaitNanos(left);
            }
            outstanding = longPollOutstanding;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outstanding = longPollOutstanding;
        } finally {
            lock.unlock();
        }
        if (outstanding && !provider.isClosed()) {
            CompletableFuture<Void> answered = new CompletableFuture<>();
            provider.pull(PullRequest.endHeld(consumer.consumerId()), new Answer(false, answered));
            try {
                answered.get(requestTimeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // The connection is failing; CLOSE_CONSUMER fails too and the connection's end releases everything.
            }
        }
        lock.lock();
        try {
            List<Undelivered> taken = late;
            late = null;
            return taken == null ? List.of() : taken;
        } finally {
            lock.unlock();
        }
    }

    /** The connection started, stopped or failed: waiting receives re-check, and a started consumer pulls. */
    void wakeUp() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        pullIfNeeded();
    }

    void enterReceive() {
        lock.lock();
        try {
            receivers++;
        } finally {
            lock.unlock();
        }
    }

    void exitReceive() {
        lock.lock();
        try {
            receivers--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** After close: waits until every receive in progress has returned (spec 8.8). */
    void awaitNoReceivers() {
        lock.lock();
        try {
            while (receivers > 0) {
                changed.awaitUninterruptibly();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a delivery behind every buffered one of higher or equal JMSPriority and ahead of lower ones, so a
     * message prefetched earlier does not hold back one of higher priority (spec 3.4.10), while messages of equal
     * priority keep their arrival order (spec 6.2.9). Group order wins over priority (as at the broker): a delivery
     * never moves ahead of a buffered message of its own JMSXGroupID, which the broker delivered before it. Walks
     * from the tail: O(1) when priorities do not rise.
     */
    private void insertByPriority(Delivery d) {
        int priority = d.message().getPriority();
        if (deliveries.isEmpty() || deliveries.peekLast().message().getPriority() >= priority) {
            deliveries.addLast(d);
            return;
        }
        Object group = d.message().getProperty(PropertyNames.JMSX_GROUP_ID);
        ArrayDeque<Delivery> lower = new ArrayDeque<>();
        while (!deliveries.isEmpty() && deliveries.peekLast().message().getPriority() < priority
                && (group == null || !group.equals(deliveries.peekLast().message().getProperty(
                        PropertyNames.JMSX_GROUP_ID)))) {
            lower.addFirst(deliveries.pollLast());
        }
        deliveries.addLast(d);
        deliveries.addAll(lower);
    }

    private Delivery removeFirst() {
        Delivery d = deliveries.pollFirst();
        if (d != null) {
            bytes -= d.encodedLength();
        }
        return d;
    }

    private List<Undelivered> drain() {
        List<Undelivered> list = new ArrayList<>(deliveries.size());
        for (Delivery d : deliveries) {
            list.add(d.undelivered(consumer.consumerId()));
        }
        deliveries.clear();
        bytes = 0;
        return list;
    }

    /** The answers to one PULL; run on the transport thread. */
    private final class Answer implements DeliveryCallback {
        private final boolean longPoll;
        private final CompletableFuture<Void> answered;

        Answer(boolean longPoll, CompletableFuture<Void> answered) {
            this.longPoll = longPoll;
            this.answered = answered;
        }

        @Override
        public void onPartial(List<Delivery> received) {
            accept(received, false);
        }

        @Override
        public void onDeliveries(List<Delivery> received) {
            accept(received, true);
        }

        private void accept(List<Delivery> arrived, boolean last) {
            List<Undelivered> orphans = null;
            lock.lock();
            try {
                if (longPoll) {
                    // What the broker sent counts against the window even if it is dropped below.
                    received += arrived.size();
                    for (Delivery d : arrived) {
                        receivedBytes += d.encodedLength();
                    }
                    if (last) {
                        longPollOutstanding = false;
                    }
                }
                if (closed) {
                    List<Undelivered> target = late != null ? late : (orphans = new ArrayList<>());
                    for (Delivery d : arrived) {
                        target.add(d.undelivered(consumer.consumerId()));
                    }
                } else if (!recovering) {
                    for (Delivery d : arrived) {
                        insertByPriority(d);
                        bytes += d.encodedLength();
                    }
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            if (answered != null && last) {
                answered.complete(null);
            }
            if (orphans != null && !orphans.isEmpty()) {
                consumer.session().deliveries().orphaned(orphans);
            } else if (!arrived.isEmpty()) {
                consumer.messagesArrived();
            }
            if (longPoll && last) {
                pullIfNeeded();
            }
        }

        @Override
        public void onFailure(JMSException failure) {
            lock.lock();
            try {
                if (longPoll) {
                    longPollOutstanding = false;
                }
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            if (answered != null) {
                answered.complete(null);
            }
            if (longPoll && !provider.isClosed() && !closed) {
                LOG.log(System.Logger.Level.WARNING, "PULL for consumer " + consumer.consumerId() + " failed; retrying in "
                        + PULL_RETRY_MILLIS + " ms: " + failure.getMessage());
                consumer.session().connection().schedule(ConsumerBuffer.this::pullIfNeeded, PULL_RETRY_MILLIS);
            }
        }
    }
}
