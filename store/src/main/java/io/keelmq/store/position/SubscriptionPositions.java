package io.keelmq.store.position;

import io.keelmq.store.io.FileLayer;

import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The consumption position of every subscription (a JMS queue's implicit one, durable
 * topic subscriptions), per partition of the destination it reads. Persisted as one
 * text file replaced atomically (write, force, rename), so a crash leaves either the
 * previous or the new state; acknowledgements since the last {@link #persist()} are
 * redelivered, never lost.
 *
 * <p>File format, one line per partition:
 * {@code subscription destination partition lowWatermark acked,acked,...} with names
 * URL-encoded.
 */
public final class SubscriptionPositions {
    private static final String HEADER = "# keelmq subscription positions v1";

    private final FileLayer layer;
    private final Path file;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Object persistLock = new Object();
    /** Set by every change, cleared by persist: the periodic checkpoint skips clean state. */
    private final java.util.concurrent.atomic.AtomicBoolean dirty = new java.util.concurrent.atomic.AtomicBoolean();
    /** Counts changes (never reset): replication sends a new snapshot only when it moved. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    /** Told after each change, on the changing thread (replication: a master sends its slaves the positions). */
    private volatile Runnable changeListener;

    public SubscriptionPositions(FileLayer layer, Path file) {
        this.layer = layer;
        this.file = file;
    }

    /** A subscription's destination and its partitions' positions. */
    public record Subscription(String name, String destination, Map<Integer, PartitionPosition> partitions) {
    }

    /**
     * Registers {@code subscription} on {@code destination}. Re-registering an existing
     * subscription keeps its positions; partitions start where {@link #position} is
     * first asked to start them (the consume-from-where decision is the broker's).
     */
    public Subscription register(String subscription, String destination) {
        Subscription registered = subscriptions.computeIfAbsent(subscription,
                name -> new Subscription(name, destination, new ConcurrentSkipListMap<>()));
        changed();
        return registered;
    }

    public void unregister(String subscription) {
        subscriptions.remove(subscription);
        changed();
    }

    public Subscription find(String subscription) {
        return subscriptions.get(subscription);
    }

    public List<Subscription> all() {
        return Collections.unmodifiableList(new ArrayList<>(subscriptions.values()));
    }

    /** The position of a partition, created at {@code startOffset} if new. */
    public PartitionPosition position(String subscription, int partition, long startOffset) {
        PartitionPosition position = partitionOf(subscription, partition, startOffset);
        changed();
        return position;
    }

    private PartitionPosition partitionOf(String subscription, int partition, long startOffset) {
        Subscription sub = requireSubscription(subscription);
        return sub.partitions().computeIfAbsent(partition, p -> new PartitionPosition(startOffset));
    }

    public boolean ack(String subscription, int partition, long offset) {
        boolean acked = partitionOf(subscription, partition, 0).ack(offset);
        changed();
        return acked;
    }

    public void ackUpTo(String subscription, int partition, long offset) {
        partitionOf(subscription, partition, 0).ackUpTo(offset);
        changed();
    }

    public void reset(String subscription, int partition, long offset) {
        partitionOf(subscription, partition, offset).reset(offset);
        changed();
    }

    /**
     * Marks a change that is already made, so that a {@link #snapshot()} taken after a reader saw the new
     * {@link #changes()} count includes it, and so does the next {@link #persist()}; then tells the listener.
     */
    private void changed() {
        dirty.set(true);
        changes.incrementAndGet();
        Runnable listener = changeListener;
        if (listener != null) {
            listener.run();
        }
    }

    /**
     * {@code listener} runs after each change, on the thread that made it (an acknowledgement's): it must not block.
     * A master's replication sends the positions to its slaves at once with it.
     */
    public void onChange(Runnable listener) {
        this.changeListener = listener;
    }

    /** How many changes were made so far; equal counts mean equal {@link #snapshot()}s. */
    public long changes() {
        return changes.get();
    }

    private Subscription requireSubscription(String subscription) {
        Subscription sub = subscriptions.get(subscription);
        if (sub == null) {
            throw new IllegalArgumentException("unknown subscription " + subscription);
        }
        return sub;
    }

    /** Persists if anything changed since the last persist. */
    public void persistIfChanged() throws IOException {
        if (dirty.get()) {
            persist();
        }
    }

    /** Writes every position durably. */
    public void persist() throws IOException {
        synchronized (persistLock) {
            dirty.set(false);
            layer.writeAtomically(file, snapshot());
        }
    }

    /**
     * Every position as the file holds it (what {@link #persist()} writes): replication sends it to a slave, which
     * {@link #replaceWith replaces} its own with it.
     */
    public byte[] snapshot() {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (Subscription sub : subscriptions.values()) {
            if (sub.partitions().isEmpty()) {
                out.append(encode(sub.name())).append(' ').append(encode(sub.destination())).append(" -\n");
            }
            for (Map.Entry<Integer, PartitionPosition> entry : sub.partitions().entrySet()) {
                PartitionPosition position = entry.getValue();
                long low;
                long[] acked;
                synchronized (position) {
                    low = position.lowWatermark();
                    acked = position.ackedAboveSnapshot();
                }
                out.append(encode(sub.name())).append(' ').append(encode(sub.destination())).append(' ')
                        .append(entry.getKey()).append(' ').append(low).append(' ');
                for (int i = 0; i < acked.length; i++) {
                    out.append(i == 0 ? "" : ",").append(acked[i]);
                }
                out.append(acked.length == 0 ? "-" : "").append('\n');
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A slave: replaces every position with its master's {@link #snapshot()} and writes them durably. Parsed in
     * full before anything is replaced, so a malformed snapshot changes nothing.
     *
     * @throws IOException if the snapshot is malformed or cannot be written
     */
    public void replaceWith(byte[] snapshot) throws IOException {
        Map<String, Subscription> parsed = parse(snapshot, "a replicated snapshot");
        synchronized (persistLock) {
            subscriptions.clear();
            subscriptions.putAll(parsed);
            changed();
            persist();
        }
    }

    /**
     * A replica promoted to master: a partition whose low watermark lies beyond the end of its consume queue (the
     * master acknowledged messages this copy never received) is moved back to that end, so the messages the new
     * master stores there are not taken for acknowledged ones. Returns how many partitions moved.
     */
    public int clampTo(java.util.function.ToLongBiFunction<String, Integer> queueEnd) {
        int moved = 0;
        for (Subscription sub : subscriptions.values()) {
            for (Map.Entry<Integer, PartitionPosition> entry : sub.partitions().entrySet()) {
                long end = queueEnd.applyAsLong(sub.destination(), entry.getKey());
                PartitionPosition position = entry.getValue();
                synchronized (position) {
                    if (position.lowWatermark() > end) {
                        position.reset(end);
                        moved++;
                    }
                }
            }
        }
        if (moved > 0) {
            changed();
        }
        return moved;
    }

    /** Reads the persisted positions, replacing what is in memory. */
    public void load() throws IOException {
        byte[] bytes = layer.readAll(file);
        subscriptions.clear();
        if (bytes != null) {
            subscriptions.putAll(parse(bytes, file.toString()));
        }
    }

    private static Map<String, Subscription> parse(byte[] bytes, String source) throws IOException {
        Map<String, Subscription> parsed = new ConcurrentHashMap<>();
        int lineNumber = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            try {
                String name = decode(fields[0]);
                String destination = decode(fields[1]);
                Subscription sub = parsed.computeIfAbsent(name,
                        n -> new Subscription(n, destination, new ConcurrentSkipListMap<>()));
                if (fields.length == 3) {
                    continue;
                }
                PartitionPosition position = new PartitionPosition(Long.parseLong(fields[3]));
                if (!fields[4].equals("-")) {
                    String[] acked = fields[4].split(",");
                    long[] offsets = new long[acked.length];
                    for (int i = 0; i < acked.length; i++) {
                        offsets[i] = Long.parseLong(acked[i]);
                    }
                    position.restoreAcked(offsets);
                }
                sub.partitions().put(Integer.parseInt(fields[2]), position);
            } catch (RuntimeException e) {
                throw new IOException(source + " line " + lineNumber + " is malformed: " + line, e);
            }
        }
        return parsed;
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String decode(String name) {
        return URLDecoder.decode(name, StandardCharsets.UTF_8);
    }
}
