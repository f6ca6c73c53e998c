package io.keelmq.server.consume;

import io.keelmq.server.message.DecodedMessage;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Messages of one subscription read from the commit log (and decoded) by the threads about to claim them, before
 * they take the subscription's lock. Reading a message is the costly part of a claim (a {@code pread}, a CRC check
 * and a decode per message); done under the lock, a claim of hundreds of messages made every acknowledgement and
 * every other claim of the subscription wait for it. Now a claim finds most of its messages here and only decides
 * under the lock.
 *
 * <p>Nothing is decided here: which message goes to whom stays with the claim, under the lock, exactly as before;
 * this only changes where the bytes come from. The commit log is append-only, so a message read ahead is the one a
 * read under the lock would return (the entry's commit-log offset is checked on taking it). A message is taken out
 * when a claim uses it, so each object has one owner (delivery encodes into it); a message decided otherwise or
 * delivered without it (a claim that got the lock first) is dropped when it is acknowledged or falls below the low
 * watermark. The content is bounded ({@value #MAX_MESSAGES} messages, {@value #MAX_BYTES} bytes): when full,
 * claims read under the lock as before.
 *
 * <p>Competing consumers read different ranges: each reservation moves a per-partition frontier, which starts at the
 * first offset no claim has delivered yet, so four consumers pulling 500 each read four consecutive ranges in
 * parallel instead of the same one four times.
 */
final class ReadAhead {
    static final int MAX_MESSAGES = 4_096;
    static final long MAX_BYTES = 4L << 20;

    private record Read(long physicalOffset, DecodedMessage message, long size) {
    }

    private final MessageStore store;
    private final String storeName;
    /** The subscription selector's tag constraint: what it rejects is never read (acknowledged away unread). */
    private final TagFilter subscriptionTags;
    private final ConcurrentSkipListMap<Long, Read>[] messages;
    /** Per partition, the offset the next read-ahead starts at (see the class comment). */
    private final AtomicLong[] frontiers;
    private final AtomicLong bytes = new AtomicLong();

    @SuppressWarnings("unchecked")
    ReadAhead(MessageStore store, String storeName, TagFilter subscriptionTags, int partitions) {
        this.store = store;
        this.storeName = storeName;
        this.subscriptionTags = subscriptionTags;
        this.messages = new ConcurrentSkipListMap[partitions];
        this.frontiers = new AtomicLong[partitions];
        for (int p = 0; p < partitions; p++) {
            messages[p] = new ConcurrentSkipListMap<>();
            frontiers[p] = new AtomicLong();
        }
    }

    /**
     * Reads undelivered messages as a claim will look at them: first a window of {@code window} offsets of every
     * partition (a claim reads them all to order them by priority), then, while fewer than {@code maxMessages} were
     * read, further windows in the consumer's partition order; never more than {@code window + 2 * maxMessages}
     * offsets past a partition's first undelivered one. Called without the subscription's lock; a failure is left to
     * the claim, which reads under the lock instead and reports it.
     */
    void readFor(PartitionState[] partitions, ConsumerState consumer, int maxMessages, int window) {
        int count = partitions.length;
        // Read without the lock: only a hint of where the claim will start.
        int first = Math.floorMod(consumer.nextPartition, count);
        int remaining = maxMessages;
        long furthest = window + 2L * maxMessages;
        try {
            boolean progress = false;
            for (PartitionState partition : partitions) {
                int read = read(partition.partition, partition.firstUndelivered, window, window, consumer.tags);
                remaining -= read;
                progress |= read > 0;
            }
            while (remaining > 0 && progress) {
                progress = false;
                for (int i = 0; i < count && remaining > 0; i++) {
                    PartitionState partition = partitions[(first + i) % count];
                    int read = read(partition.partition, partition.firstUndelivered, Math.min(remaining, window),
                            furthest, consumer.tags);
                    remaining -= read;
                    progress |= read > 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Only an optimisation (see above).
        }
    }

    /**
     * Reads up to {@code count} messages of a partition at or after {@code firstUndelivered} into this cache, from
     * where earlier read-aheads stopped; called without the subscription's lock.
     *
     * @param firstUndelivered the partition's first offset above every delivered one (a hint: stale is harmless)
     * @param ahead            how far past {@code firstUndelivered} it may read
     * @param consumerTags     the claiming consumer's tag constraint: messages it rejects are not read, as in a claim
     * @return how many queue offsets this read-ahead went over (0: nothing new, or full)
     */
    int read(int partition, long firstUndelivered, int count, long ahead, TagFilter consumerTags)
            throws IOException {
        ConcurrentSkipListMap<Long, Read> cache = messages[partition];
        int room = Math.min(count, MAX_MESSAGES - cache.size());
        if (room <= 0 || bytes.get() >= MAX_BYTES) {
            return 0;
        }
        ConsumeQueue queue = store.consumeQueue(storeName, partition);
        if (queue == null) {
            return 0;
        }
        AtomicLong frontier = frontiers[partition];
        long from;
        long to;
        long current;
        do {
            current = frontier.get();
            from = Math.max(current, firstUndelivered);
            to = Math.min(Math.min(from + room, firstUndelivered + ahead), queue.maxOffset());
            if (to <= from) {
                return 0;
            }
        } while (!frontier.compareAndSet(current, to));
        long readTo = from;
        try {
            while (readTo < to && bytes.get() < MAX_BYTES) {
                List<ConsumeQueueEntry> entries = queue.read(readTo, (int) (to - readTo));
                if (entries.isEmpty()) {
                    break;
                }
                List<ConsumeQueueEntry> wanted = new ArrayList<>(entries.size());
                for (ConsumeQueueEntry entry : entries) {
                    if (entry.size() > 0 && !subscriptionTags.rejects(entry.tagHash())
                            && !consumerTags.rejects(entry.tagHash()) && !cache.containsKey(entry.queueOffset())) {
                        wanted.add(entry);
                    }
                }
                readInto(cache, wanted);
                readTo = entries.get(entries.size() - 1).queueOffset() + 1;
            }
        } finally {
            // What was reserved but not read is left to the next read-ahead (or to the claim, under the lock).
            if (readTo < to) {
                frontier.compareAndSet(to, readTo);
            }
        }
        return (int) (readTo - from);
    }

    /** Reads the messages of {@code entries} (in queue order, so ascending in the commit log) with few reads. */
    private void readInto(ConcurrentSkipListMap<Long, Read> cache, List<ConsumeQueueEntry> entries)
            throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        long[] offsets = new long[entries.size()];
        int[] sizes = new int[entries.size()];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = entries.get(i).physicalOffset();
            sizes[i] = entries.get(i).size();
        }
        StoredMessage[] stored = store.readNear(offsets, sizes);
        for (int i = 0; i < offsets.length; i++) {
            DecodedMessage message = StoredMessages.decode(stored[i]);
            if (message != null) {
                long size = StoredMessages.sizeOf(message);
                ConsumeQueueEntry entry = entries.get(i);
                if (cache.putIfAbsent(entry.queueOffset(), new Read(entry.physicalOffset(), message, size)) == null) {
                    bytes.addAndGet(size);
                }
            }
        }
    }

    /**
     * Called by a claim under the subscription's lock, before its window goes over {@code entries}: the messages the
     * window will read (the same test as the window's: not acknowledged, in flight, released, rejected by tag, nor
     * of known priority) that this cache does not hold (another consumer's read-ahead had reserved them and not read
     * them yet, or the cache was full) are read in one go, runs of nearby records with one {@code pread} each,
     * instead of one {@code pread} per message under the lock. JFR of a 4-consumer drain found as many claim samples
     * in those single reads as in the read-ahead itself. A failure is left to the claim's own read of each message,
     * which reports it.
     */
    void readMisses(PartitionState partition, ConsumerState consumer, Map<PartitionOffset, Long> redeliverable,
                    List<ConsumeQueueEntry> entries) {
        int p = partition.partition;
        ConcurrentSkipListMap<Long, Read> cache = messages[p];
        List<ConsumeQueueEntry> misses = new ArrayList<>();
        for (ConsumeQueueEntry entry : entries) {
            long offset = entry.queueOffset();
            if (entry.size() > 0 && !partition.position.isAcked(offset) && !partition.inFlight.containsKey(offset)
                    && (redeliverable.isEmpty() || !redeliverable.containsKey(new PartitionOffset(p, offset)))
                    && !subscriptionTags.rejects(entry.tagHash()) && !consumer.tags.rejects(entry.tagHash())
                    && partition.priorities.get(offset) == null && !cache.containsKey(offset)) {
                misses.add(entry);
            }
        }
        if (misses.size() > 1) {
            try {
                readInto(cache, misses);
            } catch (IOException | RuntimeException e) {
                // Only an optimisation: the claim reads each message itself.
            }
        }
    }

    /** The message read ahead for {@code entry}, taken out (the caller owns it), or null if none was. */
    DecodedMessage take(int partition, ConsumeQueueEntry entry) {
        Read read = messages[partition].remove(entry.queueOffset());
        if (read == null) {
            return null;
        }
        bytes.addAndGet(-read.size());
        return read.physicalOffset() == entry.physicalOffset() ? read.message() : null;
    }

    /**
     * Gives back a message a claim read (or took) and did not deliver, so the claim that delivers it need not read it
     * again; only a message never encoded for a delivery (that is where a claim changes it). Dropped when full.
     */
    void putBack(int partition, ConsumeQueueEntry entry, DecodedMessage message) {
        ConcurrentSkipListMap<Long, Read> cache = messages[partition];
        if (cache.size() >= MAX_MESSAGES || bytes.get() >= MAX_BYTES) {
            return;
        }
        long size = StoredMessages.sizeOf(message);
        if (cache.putIfAbsent(entry.queueOffset(), new Read(entry.physicalOffset(), message, size)) == null) {
            bytes.addAndGet(size);
        }
    }

    /** Drops a message that will not be delivered again (acknowledged). */
    void discard(int partition, long offset) {
        ConcurrentSkipListMap<Long, Read> cache = messages[partition];
        if (!cache.isEmpty()) {
            Read read = cache.remove(offset);
            if (read != null) {
                bytes.addAndGet(-read.size());
            }
        }
    }

    /** Drops the messages below a partition's low watermark (all acknowledged). */
    void discardBelow(int partition, long offset) {
        ConcurrentSkipListMap<Long, Read> cache = messages[partition];
        if (cache.isEmpty() || cache.firstKey() >= offset) {
            return;
        }
        Map<Long, Read> below = cache.headMap(offset);
        for (Long key : below.keySet()) {
            discard(partition, key);
        }
    }

    /** Drops a partition's messages and restarts its frontier (the position was reset). */
    void clear(int partition) {
        for (Long key : messages[partition].keySet()) {
            discard(partition, key);
        }
        frontiers[partition].set(0);
    }

    /** Messages held, for tests. */
    int size() {
        int size = 0;
        for (ConcurrentSkipListMap<Long, Read> cache : messages) {
            size += cache.size();
        }
        return size;
    }
}
