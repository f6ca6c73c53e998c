package io.keelmq.server.consume;

import io.keelmq.protocol.selector.Selector;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.message.DecodedMessage;
import io.keelmq.server.message.Delivery;
import io.keelmq.store.MessageStore;
import io.keelmq.store.position.PartitionPosition;
import io.keelmq.store.position.SubscriptionPositions;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One subscription on a destination's log: a JMS queue's implicit one, or a topic
 * subscription of any kind. Its consumers compete: each message goes to at most one of them
 * at a time. The durable part of the state is the store's {@link SubscriptionPositions}
 * (low watermark plus acknowledged offsets above it, per partition); what is in flight,
 * released or deferred lives here, in memory, guarded by this object's lock.
 *
 * <p>A message is <em>delivered</em> when a consumer claims it, <em>released</em> back (recover,
 * close, connection drop) into the redeliverable set, which is served before new messages,
 * and <em>acknowledged</em> into the positions. Messages that are expired, or that the
 * subscription itself does not select (a topic subscription's selector, noLocal), are
 * acknowledged away: they are not part of the subscription.
 */
public final class Subscription {
    /** Consume-queue entries read at a time while scanning. */
    private static final int SCAN_BATCH = 64;
    /** Messages examined per claim before the lock is given up; the claim is then resumed. */
    private static final int SCAN_LIMIT = 2_048;
    /** Queue offsets per partition among which a claim delivers the highest priority first (see claimNew). */
    static final int PRIORITY_WINDOW = 256;
    /** Bytes of messages a claim keeps in memory between reading its window and delivering from it. */
    private static final long RETAINED_BYTES = 8L << 20;

    private final String key;
    private final SubscriptionKind kind;
    private final Destination destination;
    private final SubscriptionSpec spec;
    /** The subscription selector's tag constraint: messages it rejects are acknowledged away unread. */
    private final TagFilter tags;
    private final MessageStore store;
    private final SubscriptionPositions positions;
    /** The delivery marks of a persisted subscription; null for an in-memory one. */
    private final SubscriptionMarks subscriptionMarks;
    private final Clock clock;
    private final PartitionState[] partitions;
    private final MessageGroups groups;
    /** Messages read from the commit log before their claim took the lock (see {@link ReadAhead}). */
    private final ReadAhead readAhead;
    /** Released (ready at 0) and deferred (ready at their delivery time) messages. */
    private final TreeMap<PartitionOffset, Long> redeliverable = new TreeMap<>();
    /** Copy-on-write: arrival wake-ups read it without this object's lock, so they never wait behind a claim. */
    private final List<ConsumerState> consumers = new CopyOnWriteArrayList<>();
    private boolean closed;
    /** An acknowledgement freed a message group whose other messages wait for a consumer (see takeGroupsFreed). */
    private boolean groupsFreed;
    /** When a wake for deferred messages is already scheduled (0: none), so timers are not piled up. */
    private long wakeScheduledAt;
    /** Takes over counted failures past the first (backoff, dead-letter queue); null: all redelivered at once. */
    private FailedDeliveries failedDeliveries;

    /**
     * @param positions where the position lives: the store's (persisted) or an in-memory one
     * @param marks     the delivery marks of persisted subscriptions, null for in-memory ones
     * @param start     where partitions without a position start
     * @param groupPauseMillis how long a message group pauses after a failed delivery (see {@link MessageGroups})
     */
    Subscription(String key, SubscriptionKind kind, Destination destination, SubscriptionSpec spec, MessageStore store,
                 SubscriptionPositions positions, DeliveryMarks marks, int markChunk, Clock clock, StartPosition start,
                 long groupPauseMillis) {
        this.key = key;
        this.kind = kind;
        this.destination = destination;
        this.spec = spec;
        this.tags = TagFilter.of(spec.selector());
        this.store = store;
        this.positions = positions;
        this.subscriptionMarks = marks == null ? null : new SubscriptionMarks(marks, key, markChunk, this);
        this.clock = clock;
        this.groups = new MessageGroups(groupPauseMillis);
        positions.register(key, destination.storeName());
        this.partitions = new PartitionState[destination.partitions()];
        this.readAhead = new ReadAhead(store, destination.storeName(), tags, partitions.length);
        for (int p = 0; p < partitions.length; p++) {
            PartitionPosition position = positions.position(key, p, start.offset(store, destination.storeName(), p));
            long restartMark = marks == null ? 0 : marks.markAtStartup(key, p);
            partitions[p] = new PartitionState(p, position, restartMark, marks == null ? 0 : marks.mark(key, p));
        }
    }

    public String key() {
        return key;
    }

    public SubscriptionKind kind() {
        return kind;
    }

    public Destination destination() {
        return destination;
    }

    public SubscriptionSpec spec() {
        return spec;
    }

    public boolean isPersisted() {
        return subscriptionMarks != null;
    }

    synchronized void failedDeliveries(FailedDeliveries handler) {
        this.failedDeliveries = handler;
    }

    // ------------------------------------------------------------------ consumers

    synchronized ConsumerState attach(long consumerId, String connectionId, SessionState session, Selector selector,
                                      boolean noLocal) {
        ConsumerState consumer = new ConsumerState(consumerId, connectionId, session, this, selector, noLocal);
        consumers.add(consumer);
        return consumer;
    }

    synchronized void detach(ConsumerState consumer) {
        consumer.markClosed();
        consumers.remove(consumer);
    }

    /** The open consumers; without this object's lock (see {@link #consumers}). */
    public List<ConsumerState> consumers() {
        return List.copyOf(consumers);
    }

    public boolean hasConsumers() {
        return !consumers.isEmpty();
    }

    synchronized void close() {
        closed = true;
        for (ConsumerState consumer : consumers) {
            consumer.markClosed();
        }
        consumers.clear();
        redeliverable.clear();
        groups.clear();
        for (PartitionState partition : partitions) {
            partition.inFlight.clear();
            partition.priorities.clear();
            partition.groupIds.clear();
            readAhead.clear(partition.partition);
        }
    }

    // ------------------------------------------------------------------ delivering

    /**
     * Claims up to {@code maxMessages} messages (and about {@code maxBytes}, at least one) for
     * {@code consumer}: released ones first, then new ones from the consumer's cursors.
     *
     * <p>The messages are read from the commit log first, without this object's lock ({@link ReadAhead}); the lock
     * is held only to decide and record the claim, so acknowledgements and other consumers' claims do not wait for
     * the reads.
     *
     * @param held the held pull being answered, or null; nothing is claimed once it is done
     */
    public Claim claim(ConsumerState consumer, int maxMessages, long maxBytes, HeldPull held) throws IOException {
        if (consumer.isClosed() || (held != null && held.isDone()) || maxMessages <= 0) {
            return Claim.NOTHING;
        }
        readAhead.readFor(partitions, consumer, maxMessages, PRIORITY_WINDOW);
        ClaimBatch batch = claimLocked(consumer, maxMessages, maxBytes, held);
        if (batch == null) {
            return Claim.NOTHING;
        }
        List<Delivery> deliveries = encode(consumer, batch, maxBytes);
        if (batch.failure != null && deliveries.isEmpty()) {
            throw batch.failure;
        }
        boolean gaveBack = deliveries.size() < batch.claimed.size();
        return new Claim(deliveries, batch.failure == null && !batch.full && batch.examined >= SCAN_LIMIT,
                batch.failure != null || batch.full || batch.passedOver || gaveBack,
                batch.failure == null && (batch.full || gaveBack || batch.examined >= SCAN_LIMIT));
    }

    /**
     * The claimed messages in their wire form, encoded after the lock was released (this claim owns each message
     * object). The claim counted their bytes by an estimate; a message that would carry the answer past
     * {@code maxBytes} goes back, uncounted, as a claim that was answered meanwhile gives its messages back.
     */
    private List<Delivery> encode(ConsumerState consumer, ClaimBatch batch, long maxBytes) {
        List<Delivery> deliveries = new ArrayList<>(batch.claimed.size());
        long bytes = 0;
        for (ClaimBatch.Claimed claimed : batch.claimed) {
            Delivery delivery = new Delivery(claimed.partition(), claimed.offset(), claimed.deliveryCount(),
                    claimed.message().encodeForDelivery(claimed.deliveryCount()));
            if (!deliveries.isEmpty() && bytes + delivery.wireSize() > maxBytes) {
                release(consumer, claimed.partition(), claimed.offset(), false);
                continue;
            }
            bytes += delivery.wireSize();
            deliveries.add(delivery);
        }
        return deliveries;
    }

    /** Decides and records a claim under the lock; null if nothing may be claimed (closed, answered already). */
    private synchronized ClaimBatch claimLocked(ConsumerState consumer, int maxMessages, long maxBytes, HeldPull held) {
        if (closed || consumer.isClosed() || (held != null && held.isDone())) {
            return null;
        }
        for (PartitionState partition : partitions) {
            readAhead.discardBelow(partition.partition, partition.position.lowWatermark());
        }
        ClaimBatch batch = new ClaimBatch(maxMessages, maxBytes, clock.millis());
        int count = partitions.length;
        try {
            claimRedeliverable(consumer, batch);
            claimNew(consumer, batch);
        } catch (IOException e) {
            // What is already claimed must reach the consumer, or it would sit in flight unseen.
            batch.failure = e;
        } finally {
            consumer.nextPartition = (consumer.nextPartition + 1) % count;
        }
        return batch;
    }

    private void claimRedeliverable(ConsumerState consumer, ClaimBatch batch) throws IOException {
        Iterator<Map.Entry<PartitionOffset, Long>> it = redeliverable.entrySet().iterator();
        while (it.hasNext() && !batch.full) {
            Map.Entry<PartitionOffset, Long> entry = it.next();
            if (entry.getValue() > batch.now) {
                continue;
            }
            PartitionOffset ref = entry.getKey();
            PartitionState partition = partitions[ref.partition()];
            if (partition.position.isAcked(ref.offset()) || partition.inFlight.containsKey(ref.offset())) {
                it.remove();
                if (!partition.inFlight.containsKey(ref.offset())) {
                    groups.settled(ref);
                }
                continue;
            }
            // A message of a busy or paused group is passed over without reading it.
            String group = groups.groupOf(ref);
            if (group != null && !groups.mayDeliver(consumer, group, ref.offset(), batch.now)) {
                batch.passedOver = true;
                continue;
            }
            ConsumeQueue queue = store.consumeQueue(destination.storeName(), ref.partition());
            ConsumeQueueEntry where = queue == null ? null : queue.get(ref.offset());
            if (where != null && consumer.tags.rejects(where.tagHash())) {
                batch.passedOver = true;
                continue;
            }
            DecodedMessage message = where == null ? null : read(ref.partition(), where);
            batch.examined++;
            switch (verdict(consumer, partition, ref.offset(), message, batch)) {
                case GONE -> it.remove();
                case DEFERRED -> entry.setValue(message.deliveryTime());
                case NOT_FOR_CONSUMER -> { }
                case GROUP_BUSY -> groups.park(groupOf(message), ref);
                case DELIVER -> {
                    if (batch.fits(StoredMessages.sizeOf(message))) {
                        it.remove();
                        deliver(consumer, partition, ref.offset(), message, batch);
                    }
                }
                default -> throw new AssertionError();
            }
        }
    }

    /**
     * New messages, highest JMSPriority first within a bounded look-ahead window. Per partition the window is
     * {@value #PRIORITY_WINDOW} queue offsets starting at the first message not yet decided for this consumer (its
     * cursor, past messages acknowledged, in flight, released or rejected); the messages of all partitions' windows
     * are claimed by priority (highest first), then partition (rotated per claim), then offset. Hence:
     * <ul>
     * <li>messages of one partition with equal priority are claimed in offset order, so one session's (and one
     * JMSXGroupID's) messages of equal priority keep their order (spec 6.2.9 and 3.4.10);</li>
     * <li>a message is overtaken by at most {@value #PRIORITY_WINDOW} - 1 later messages of its partition: a steady
     * stream of higher-priority messages cannot starve it, because the window does not move past it;</li>
     * <li>memory and work are bounded: at most {@value #PRIORITY_WINDOW} candidates per partition per round, however
     * long the backlog; messages beyond the window are not looked at. When a round leaves the batch room, the
     * next round takes the windows that follow (still within {@link #SCAN_LIMIT} reads per claim).</li>
     * </ul>
     * Released (redelivered) and due deferred messages are served before these, in partition and offset order.
     * Messages of a {@code JMSXGroupID} keep their group's order whatever their priorities (see
     * {@link WindowCandidate#groupOrderOverPriority}), and a group busy with another consumer is set aside (see {@link MessageGroups})
     * so it does not hold this consumer's window.
     */
    private void claimNew(ConsumerState consumer, ClaimBatch batch) throws IOException {
        int count = partitions.length;
        long[] scannedTo = new long[count];
        while (!batch.full && batch.examined < SCAN_LIMIT) {
            List<WindowCandidate> candidates = new ArrayList<>();
            boolean progress = false;
            for (int i = 0; i < count; i++) {
                PartitionState partition = partitions[(consumer.nextPartition + i) % count];
                long before = consumer.cursors[partition.partition];
                scannedTo[partition.partition] = window(consumer, partition, i, batch, candidates);
                progress |= scannedTo[partition.partition] > before;
            }
            if (!progress && candidates.isEmpty()) {
                return;
            }
            WindowCandidate.groupOrderOverPriority(candidates);
            candidates.sort(WindowCandidate.ORDER);
            for (WindowCandidate candidate : candidates) {
                if (batch.full) {
                    break;
                }
                PartitionState partition = candidate.partition;
                long offset = candidate.entry.queueOffset();
                DecodedMessage message = candidate.message;
                if (message == null) {
                    batch.examined++;
                    message = read(partition.partition, candidate.entry);
                    candidate.message = message;
                }
                switch (verdict(consumer, partition, offset, message, batch)) {
                    case GONE -> {
                        candidate.decided = true;
                        candidate.message = null;
                    }
                    case NOT_FOR_CONSUMER -> candidate.decided = true;
                    case GROUP_BUSY -> candidate.decided = park(partition, offset, candidate.group);
                    case DEFERRED -> {
                        redeliverable.put(new PartitionOffset(partition.partition, offset),
                                message.deliveryTime());
                        candidate.decided = true;
                    }
                    case DELIVER -> {
                        if (batch.fits(StoredMessages.sizeOf(message))) {
                            deliver(consumer, partition, offset, message, batch);
                            candidate.decided = true;
                            candidate.message = null;
                        }
                    }
                    default -> throw new AssertionError();
                }
            }
            // Messages read and not delivered go back, for the claim that delivers them (unchanged: never encoded).
            for (WindowCandidate candidate : candidates) {
                if (candidate.message != null) {
                    readAhead.putBack(candidate.partition.partition, candidate.entry, candidate.message);
                }
            }
            // Each cursor moves to its partition's first undecided candidate, or past its window if none is left.
            for (int p = 0; p < count; p++) {
                consumer.cursors[p] = Math.max(consumer.cursors[p], scannedTo[p]);
            }
            for (WindowCandidate candidate : candidates) {
                int p = candidate.partition.partition;
                if (!candidate.decided && candidate.entry.queueOffset() < consumer.cursors[p]) {
                    consumer.cursors[p] = candidate.entry.queueOffset();
                }
            }
        }
    }

    /**
     * Collects one partition's window into {@code candidates}: from the consumer's cursor, messages already decided
     * are skipped (and the cursor moved past them while no candidate precedes them); messages seen for the first time
     * are read, those the subscription will never deliver are acknowledged away and deferred ones set aside. Each
     * message's priority is remembered in the partition, so a message left in the window is not read again only to
     * learn it.
     *
     * @return the offset after the last one examined
     */
    private long window(ConsumerState consumer, PartitionState partition, int rank, ClaimBatch batch,
                        List<WindowCandidate> candidates) throws IOException {
        int p = partition.partition;
        long from = Math.max(consumer.cursors[p], partition.position.lowWatermark());
        ConsumeQueue queue = store.consumeQueue(destination.storeName(), p);
        if (queue == null) {
            return from;
        }
        long limit = Long.MAX_VALUE;
        while (batch.examined < SCAN_LIMIT) {
            List<ConsumeQueueEntry> entries = queue.read(from, SCAN_BATCH);
            if (entries.isEmpty()) {
                break;
            }
            readAhead.readMisses(partition, consumer, redeliverable, entries);
            for (ConsumeQueueEntry entry : entries) {
                long offset = entry.queueOffset();
                if (offset >= limit || batch.examined >= SCAN_LIMIT) {
                    return from;
                }
                from = offset + 1;
                boolean candidate = false;
                if (entry.size() > 0 && !partition.position.isAcked(offset) && !partition.inFlight.containsKey(offset)
                        && (redeliverable.isEmpty() || !redeliverable.containsKey(new PartitionOffset(p, offset)))
                        && !rejectedByTag(consumer, partition, entry, batch)) {
                    Integer priority = partition.priorities.get(offset);
                    String group = partition.groupIds.get(offset);
                    DecodedMessage message = null;
                    if (priority == null) {
                        batch.examined++;
                        message = read(p, entry);
                        Verdict verdict = verdict(consumer, partition, offset, message, batch);
                        group = message == null ? null : groupOf(message);
                        if (verdict == Verdict.GROUP_BUSY && park(partition, offset, group)) {
                            // Set aside where every claim looks again: no longer this window's concern.
                            verdict = Verdict.GONE;
                        }
                        if (verdict == Verdict.DEFERRED) {
                            redeliverable.put(new PartitionOffset(p, offset), message.deliveryTime());
                        } else if (verdict != Verdict.GONE) {
                            // Also for a message this consumer's selector rejects: it stays for the others.
                            partition.rememberPriority(offset, message.priority(), group,
                                    PRIORITY_WINDOW * 4);
                        }
                        if (verdict == Verdict.DELIVER || verdict == Verdict.GROUP_BUSY) {
                            priority = message.priority();
                            // Kept for delivery within a byte budget; past it, read again when its turn comes.
                            long size = StoredMessages.sizeOf(message);
                            if (batch.retainedBytes + size > RETAINED_BYTES) {
                                message = null;
                            } else {
                                batch.retainedBytes += size;
                            }
                        }
                    }
                    if (priority != null) {
                        candidates.add(new WindowCandidate(rank, partition, entry, priority, group, message));
                        candidate = true;
                    }
                }
                if (candidate && limit == Long.MAX_VALUE) {
                    limit = offset + PRIORITY_WINDOW;
                } else if (!candidate && limit == Long.MAX_VALUE) {
                    consumer.cursors[p] = offset + 1;
                }
            }
        }
        return from;
    }

    /**
     * Sets aside a message of a busy group where every claim revisits it (the redeliverable set, ready at once), so
     * the claiming consumer's window moves on to other groups; false if parking is full (it stays in the window).
     */
    private boolean park(PartitionState partition, long offset, String group) {
        if (group == null || !groups.canPark()) {
            return false;
        }
        PartitionOffset ref = new PartitionOffset(partition.partition, offset);
        groups.park(group, ref);
        redeliverable.put(ref, 0L);
        return true;
    }

    /** The message of a consume-queue entry: the one read ahead if there is one, else read now. */
    private DecodedMessage read(int partition, ConsumeQueueEntry entry) throws IOException {
        DecodedMessage message = readAhead.take(partition, entry);
        return message != null ? message : StoredMessages.read(store, entry);
    }

    /** The JMSXGroupID of a message, or null. */
    private static String groupOf(DecodedMessage message) {
        return message.groupId();
    }

    /**
     * Decides a message from its consume-queue tag hash alone, without reading it ({@link TagFilter}): one the
     * subscription's selector rejects is acknowledged away, one the consumer's selector rejects is left for others.
     */
    private boolean rejectedByTag(ConsumerState consumer, PartitionState partition, ConsumeQueueEntry entry,
                                  ClaimBatch batch) {
        if (tags.rejects(entry.tagHash())) {
            ackAway(partition, entry.queueOffset());
            return true;
        }
        if (consumer.tags.rejects(entry.tagHash())) {
            batch.passedOver = true;
            return true;
        }
        return false;
    }

    /** GROUP_BUSY: deliverable, but not to this consumer now (see {@link MessageGroups#mayDeliver}). */
    private enum Verdict { GONE, DEFERRED, NOT_FOR_CONSUMER, GROUP_BUSY, DELIVER }

    /**
     * Decides one message for one consumer; acknowledges away what the subscription will never deliver, and notes in
     * the batch a message left for other consumers (see {@link Claim#leftForOthers}).
     */
    private Verdict verdict(ConsumerState consumer, PartitionState partition, long offset, DecodedMessage message,
                            ClaimBatch batch) {
        Verdict verdict = verdictAt(consumer, partition, offset, message, batch.now);
        if (verdict == Verdict.NOT_FOR_CONSUMER || verdict == Verdict.GROUP_BUSY) {
            batch.passedOver = true;
        }
        return verdict;
    }

    private Verdict verdictAt(ConsumerState consumer, PartitionState partition, long offset, DecodedMessage message,
                              long now) {
        if (message == null || message.isExpired(now)) {
            ackAway(partition, offset);
            return Verdict.GONE;
        }
        if (!message.matches(spec.selector()) || !message.isFor(key)) {
            ackAway(partition, offset);
            return Verdict.GONE;
        }
        boolean local = consumer.noLocal() && consumer.connectionId().equals(message.senderConnectionId());
        if (local && !kind.isShared()) {
            ackAway(partition, offset);
            return Verdict.GONE;
        }
        if (message.deliverNotBefore(now) != 0) {
            return Verdict.DEFERRED;
        }
        if (local || !message.matches(consumer.selector())) {
            return Verdict.NOT_FOR_CONSUMER;
        }
        String group = groupOf(message);
        if (group != null && !groups.mayDeliver(consumer, group, offset, now)) {
            return Verdict.GROUP_BUSY;
        }
        return Verdict.DELIVER;
    }

    private void deliver(ConsumerState consumer, PartitionState partition, long offset, DecodedMessage message,
                         ClaimBatch batch) throws IOException {
        if (subscriptionMarks != null) {
            subscriptionMarks.reserve(partition, offset);
        }
        int count = partition.deliver(consumer, offset, message.priorDeliveries());
        String group = groupOf(message);
        if (group != null) {
            groups.delivered(consumer, group, new PartitionOffset(partition.partition, offset));
        }
        batch.add(new ClaimBatch.Claimed(partition.partition, offset, count, message), StoredMessages.sizeOf(message));
    }

    private void ackAway(PartitionState partition, long offset) {
        positions.ack(key, partition.partition, offset);
        partition.forget(offset);
        readAhead.discard(partition.partition, offset);
        groupsFreed |= groups.settled(new PartitionOffset(partition.partition, offset));
    }

    // ------------------------------------------------------------------ acknowledging and releasing

    /** Acknowledges one message in flight to {@code consumer}; false if it is not. */
    public synchronized boolean ack(ConsumerState consumer, int partition, long offset) {
        PartitionState state = partition(partition);
        if (state == null) {
            return false;
        }
        PartitionState.InFlight inFlight = state.inFlight.get(offset);
        if (inFlight == null || inFlight.consumer() != consumer) {
            return false;
        }
        state.inFlight.remove(offset);
        ackAway(state, offset);
        return true;
    }

    /** Acknowledges every message of a partition in flight to {@code consumer} at or below {@code offset}. */
    public synchronized int ackUpTo(ConsumerState consumer, int partition, long offset) {
        PartitionState state = partition(partition);
        if (state == null) {
            return 0;
        }
        int acked = 0;
        Iterator<Map.Entry<Long, PartitionState.InFlight>> it = state.inFlight.headMap(offset, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, PartitionState.InFlight> entry = it.next();
            if (entry.getValue().consumer() == consumer) {
                it.remove();
                ackAway(state, entry.getKey());
                acked++;
            }
        }
        return acked;
    }

    /**
     * Makes a message in flight to {@code consumer} deliverable again, counting the delivery
     * ({@code increment}: the application saw it) or not (it never reached the application).
     */
    public synchronized boolean release(ConsumerState consumer, int partition, long offset, boolean increment) {
        PartitionState state = partition(partition);
        if (state == null || !state.release(consumer, offset, increment)) {
            return false;
        }
        PartitionOffset ref = new PartitionOffset(partition, offset);
        int failures = state.priorDeliveries(offset);
        // A grouped message is retried in place once its group's pause is over (RocketMQ's orderly consumption):
        // a retry copy or a move to the dead-letter queue would let the group's later messages overtake it. The
        // handler checks the message itself too (RedeliveryService.move), so this is only the cheap first test.
        if (increment && !closed && failedDeliveries != null && groups.groupOf(ref) == null
                && failedDeliveries.takeOver(this, partition, offset, failures)) {
            // Parked: in flight to nobody until the handler has moved it elsewhere (see settleParked).
            state.inFlight.put(offset, new PartitionState.InFlight(null, failures));
            return true;
        }
        redeliverable.put(ref, 0L);
        groups.released(ref, increment, clock.millis());
        return true;
    }

    /**
     * Whether acknowledgements since the last call freed a message group with messages waiting, which other
     * consumers' held pulls passed over: the caller wakes them (a consumer's acknowledgement is no arrival).
     */
    public synchronized boolean takeGroupsFreed() {
        boolean freed = groupsFreed;
        groupsFreed = false;
        return freed;
    }

    /**
     * Ends the parking of a message {@link FailedDeliveries} took over: {@code moved} (its retry copy or
     * dead letter is stored) acknowledges it here; otherwise it is redelivered at once, as without a handler.
     *
     * @return whether the message was parked
     */
    public synchronized boolean settleParked(int partition, long offset, boolean moved) {
        PartitionState state = partition(partition);
        PartitionState.InFlight parked = state == null ? null : state.inFlight.get(offset);
        if (parked == null || parked.consumer() != null) {
            return false;
        }
        state.inFlight.remove(offset);
        if (moved) {
            ackAway(state, offset);
        } else {
            PartitionOffset ref = new PartitionOffset(partition, offset);
            redeliverable.put(ref, 0L);
            // If its group still counts it in flight, it now waits ahead of the group's later messages.
            groups.released(ref, true, clock.millis());
        }
        return true;
    }

    /**
     * Parks a message that is neither in flight nor acknowledged, for no consumer (an administrator moving or
     * removing it); end with {@link #settleParked}. False if it is in flight or acknowledged.
     */
    public synchronized boolean park(int partition, long offset) {
        PartitionState state = partition(partition);
        if (closed || state == null || state.position.isAcked(offset) || offset < state.position.lowWatermark()
                || state.inFlight.containsKey(offset)) {
            return false;
        }
        redeliverable.remove(new PartitionOffset(partition, offset));
        state.inFlight.put(offset, new PartitionState.InFlight(null, state.priorDeliveries(offset)));
        return true;
    }

    /**
     * Locks a message for a prepared XA branch recovered at start-up: in flight to no consumer, with the delivery
     * count its branch saw, until {@code ack(null, ...)} (commit) or {@code release(null, ..., true)} (rollback).
     * False if it is acknowledged already or locked otherwise.
     */
    public synchronized boolean holdForBranch(int partition, long offset, int deliveryCount) {
        PartitionState state = partition(partition);
        if (closed || state == null || state.position.isAcked(offset) || offset < state.position.lowWatermark()
                || state.inFlight.containsKey(offset)) {
            return false;
        }
        redeliverable.remove(new PartitionOffset(partition, offset));
        state.inFlight.put(offset, new PartitionState.InFlight(null, deliveryCount));
        state.deliveredUpTo = Math.max(state.deliveredUpTo, offset + 1);
        return true;
    }

    /** Whether a message is still to be delivered or in flight (not acknowledged). */
    public synchronized boolean isPending(int partition, long offset) {
        PartitionState state = partition(partition);
        return state != null && !state.position.isAcked(offset) && offset >= state.position.lowWatermark();
    }

    /** Every message in flight to {@code consumer}, in order. */
    public synchronized List<PartitionOffset> inFlightOf(ConsumerState consumer) {
        List<PartitionOffset> refs = new ArrayList<>();
        for (PartitionState state : partitions) {
            for (Map.Entry<Long, PartitionState.InFlight> entry : state.inFlight.entrySet()) {
                if (entry.getValue().consumer() == consumer) {
                    refs.add(new PartitionOffset(state.partition, entry.getKey()));
                }
            }
        }
        return refs;
    }

    /** Earliest time a deferred message becomes deliverable or a paused message group resumes, or 0 if none. */
    public synchronized long nextDeferredTime(long now) {
        long next = groups.nextResume(now);
        for (long readyAt : redeliverable.values()) {
            if (readyAt > now && (next == 0 || readyAt < next)) {
                next = readyAt;
            }
        }
        return next;
    }

    /** Whether the caller should schedule a wake at {@code time}: true unless one is due no later. */
    synchronized boolean scheduleWakeAt(long time, long now) {
        if (wakeScheduledAt > now && wakeScheduledAt <= time) {
            return false;
        }
        wakeScheduledAt = time;
        return true;
    }

    // ------------------------------------------------------------------ backtracking

    /**
     * Moves each partition's position to {@code offsets[partition]}, back or forward ({@code keel-admin subscription
     * reset}): every message from there on is unacknowledged, every one before it acknowledged, and the messages
     * become new deliveries (delivery counts and released or deferred messages are forgotten, as RocketMQ's offset
     * reset re-consumes). Refused while a consumer is open or a message is in flight, because their acknowledgements
     * would then land on the new position. The positions are written first, then the lowered delivery marks: a crash
     * between the two only makes the next deliveries carry JMSRedelivered=true, never loses the reset.
     *
     * @return each partition's low watermark before the reset
     * @throws IllegalStateException naming what is still active
     */
    public synchronized long[] resetTo(long[] offsets) throws IOException {
        int inFlight = 0;
        for (PartitionState partition : partitions) {
            inFlight += partition.inFlight.size();
        }
        if (!consumers.isEmpty() || inFlight > 0) {
            throw new IllegalStateException(this + " has " + consumers.size() + " open consumer(s) and " + inFlight
                    + " message(s) in flight; close its consumers (and their sessions) first");
        }
        long[] before = new long[partitions.length];
        for (PartitionState partition : partitions) {
            before[partition.partition] = partition.position.lowWatermark();
            positions.reset(key, partition.partition, offsets[partition.partition]);
            partition.restartAt(offsets[partition.partition]);
            readAhead.clear(partition.partition);
        }
        redeliverable.clear();
        if (subscriptionMarks != null) {
            positions.persist();
            subscriptionMarks.resetTo(partitions, offsets);
        }
        return before;
    }

    // ------------------------------------------------------------------ browsing and shutdown

    /**
     * The delivery count a browser is shown for a message: -1 if acknowledged, else what its
     * next delivery would carry (in flight: its current count).
     */
    public synchronized int browseCount(int partition, long offset) {
        PartitionState state = partition(partition);
        if (state == null || state.position.isAcked(offset)) {
            return -1;
        }
        PartitionState.InFlight inFlight = state.inFlight.get(offset);
        return inFlight != null ? inFlight.deliveryCount() : state.priorDeliveries(offset) + 1;
    }

    /** Lowest unacknowledged offset of a partition. */
    public long lowWatermark(int partition) {
        PartitionState state = partition(partition);
        return state == null ? 0 : state.position.lowWatermark();
    }

    /** Clean shutdown: marks drop to exactly what was delivered (never below the start-up mark). */
    synchronized void recordExactMarks() {
        if (subscriptionMarks != null) {
            subscriptionMarks.recordExact(partitions);
        }
    }

    private PartitionState partition(int partition) {
        return partition >= 0 && partition < partitions.length ? partitions[partition] : null;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " subscription " + key;
    }
}
