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
        dirty.set(true);
        return subscriptions.computeIfAbsent(subscription,
                name -> new Subscription(name, destination, new ConcurrentSkipListMap<>()));
    }

    public void unregister(String subscription) {
        dirty.set(true);
        subscriptions.remove(subscription);
    }

    public Subscription find(String subscription) {
        return subscriptions.get(subscription);
    }

    public List<Subscription> all() {
        return Collections.unmodifiableList(new ArrayList<>(subscriptions.values()));
    }

    /** The position of a partition, created at {@code startOffset} if new. */
    public PartitionPosition position(String subscription, int partition, long startOffset) {
        dirty.set(true);
        Subscription sub = requireSubscription(subscription);
        return sub.partitions().computeIfAbsent(partition, p -> new PartitionPosition(startOffset));
    }

    public boolean ack(String subscription, int partition, long offset) {
        return position(subscription, partition, 0).ack(offset);
    }

    public void ackUpTo(String subscription, int partition, long offset) {
        position(subscription, partition, 0).ackUpTo(offset);
    }

    public void reset(String subscription, int partition, long offset) {
        position(subscription, partition, offset).reset(offset);
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
            layer.writeAtomically(file, out.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Reads the persisted positions, replacing what is in memory. */
    public void load() throws IOException {
        byte[] bytes = layer.readAll(file);
        subscriptions.clear();
        if (bytes == null) {
            return;
        }
        int lineNumber = 0;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.trim().split(" ");
            try {
                Subscription sub = register(decode(fields[0]), decode(fields[1]));
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
                throw new IOException(file + " line " + lineNumber + " is malformed: " + line, e);
            }
        }
    }

    private static String encode(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String decode(String name) {
        return URLDecoder.decode(name, StandardCharsets.UTF_8);
    }
}
