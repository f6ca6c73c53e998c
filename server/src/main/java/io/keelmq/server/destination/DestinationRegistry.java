package io.keelmq.server.destination;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.persist.AtomicTextFile;
import io.keelmq.store.RecordLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every destination the broker knows. Queues and topics are persisted (name, kind,
 * partitions) in {@code <storePathRootDir>/config/destinations}, so partition counts
 * survive restarts: a group hashed to partition 2 today must still hash there tomorrow.
 * Temporary destinations live only as long as the connection that owns them.
 */
public final class DestinationRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DestinationRegistry.class);

    private final Map<String, Destination> byStoreName = new ConcurrentHashMap<>();
    private final AtomicTextFile file;
    private final int defaultPartitions;
    /** Names (a trailing * matches a prefix) of destinations created with one partition, for global FIFO. */
    private final List<String> singlePartition;
    private final boolean autoCreate;
    private final List<DestinationListener> listeners = new ArrayList<>();
    /**
     * A slave: the store names in the master's destinations when last replicated, or in this broker's file at start
     * (see replaceReplicated).
     */
    private java.util.Set<String> namedByMaster = java.util.Set.of();

    public DestinationRegistry(Path configDir, int defaultPartitions, List<String> singlePartition,
                               boolean autoCreate) {
        this.file = new AtomicTextFile(configDir.resolve("destinations"), "keelmq destinations v1: name kind partitions");
        this.defaultPartitions = defaultPartitions;
        this.singlePartition = singlePartition == null ? List.of() : List.copyOf(singlePartition);
        this.autoCreate = autoCreate;
    }

    /** Loads the persisted queues and topics; call before any listener is added. */
    public void load() throws IOException {
        for (String[] record : file.read()) {
            try {
                DestinationRef.Kind kind = Destination.parseKind(record[1]);
                Destination destination = new Destination(kind, record[0], Integer.parseInt(record[2]), null);
                byStoreName.put(destination.storeName(), destination);
            } catch (RuntimeException e) {
                throw file.malformed(record, e);
            }
        }
        // A slave: what its files held at start was its master's then; one the master no longer names is deleted.
        namedByMaster = java.util.Set.copyOf(byStoreName.keySet());
        LOG.info("{} destinations loaded from {}", byStoreName.size(), file.path());
    }

    public synchronized void addListener(DestinationListener listener) {
        listeners.add(listener);
    }

    /** The destination, or null if it does not exist (or was deleted). */
    public Destination find(DestinationRef.Kind kind, String name) {
        return byStoreName.get(Destination.storeName(kind, name));
    }

    /** The destination by its store name, or null. */
    public Destination findByStoreName(String storeName) {
        return byStoreName.get(storeName);
    }

    public List<Destination> all() {
        return new ArrayList<>(byStoreName.values());
    }

    /**
     * The destination a producer or consumer names: an existing one, else a queue or topic
     * created now when {@code autoCreateTopicEnable}; a temporary destination must have
     * been created by CREATE_DESTINATION and not deleted.
     */
    public Destination resolve(DestinationRef.Kind kind, String name) {
        Destination existing = find(kind, name);
        if (existing != null) {
            return existing;
        }
        if (kind.isTemporary()) {
            throw RequestException.notFound("temporary destination " + describe(kind, name)
                    + " does not exist (deleted, or its connection closed)");
        }
        if (!autoCreate) {
            throw RequestException.notFound(describe(kind, name)
                    + " does not exist and autoCreateTopicEnable is false");
        }
        return create(kind, name, null);
    }

    /** Creates a destination, or returns the existing one with that kind and name. */
    public synchronized Destination create(DestinationRef.Kind kind, String name, String ownerConnectionId) {
        checkName(kind, name);
        Destination existing = find(kind, name);
        if (existing != null) {
            if (kind.isTemporary() && !existing.ownerConnectionId().equals(ownerConnectionId)) {
                throw RequestException.illegalState(describe(kind, name) + " belongs to another connection");
            }
            return existing;
        }
        Destination destination = new Destination(kind, name, partitionsOf(name),
                kind.isTemporary() ? ownerConnectionId : null);
        // Listeners first: once visible, a destination must already have its queue subscription.
        for (DestinationListener listener : listeners) {
            listener.created(destination);
        }
        byStoreName.put(destination.storeName(), destination);
        if (!kind.isTemporary()) {
            persist();
        }
        LOG.info("created {} with {} partitions", destination, destination.partitions());
        return destination;
    }

    /**
     * Replication: a slave learns its master's queues and topics from the records it copies (store name
     * {@code queue/NAME} or {@code topic/NAME}; the broker's own destinations are skipped). Registered and persisted
     * without telling the listeners, so no queue subscription starts at the log's end: once the slave's data
     * directory is started as a master, its queues are opened from their first offset like any known queue.
     */
    public synchronized void adoptReplicated(String storeName) {
        if (byStoreName.containsKey(storeName)) {
            return;
        }
        int slash = storeName.indexOf('/');
        DestinationRef.Kind kind = slash < 0 ? null : switch (storeName.substring(0, slash)) {
            case "queue" -> DestinationRef.Kind.QUEUE;
            case "topic" -> DestinationRef.Kind.TOPIC;
            default -> null;
        };
        if (kind == null) {
            return;
        }
        String name = storeName.substring(slash + 1);
        Destination destination = new Destination(kind, name, partitionsOf(name), null);
        byStoreName.put(destination.storeName(), destination);
        persist();
        LOG.info("replicated {} with {} partitions", destination, destination.partitions());
    }

    /**
     * Replication: a slave takes its master's queues and topics ({@code records} of the master's destinations file)
     * as they are, partition counts included: those it lacks are added, those the master deleted (named by its
     * previous records, absent now) are removed, and the file is written. Listeners are not told (see
     * {@link #adoptReplicated}). A destination adopted from copied records is kept until the master's records have
     * named it once: they were read before the copy of its first message may have arrived.
     */
    public synchronized void replaceReplicated(List<String[]> records) {
        Map<String, Destination> master = new java.util.HashMap<>();
        for (String[] record : records) {
            try {
                Destination destination = new Destination(Destination.parseKind(record[1]), record[0],
                        Integer.parseInt(record[2]), null);
                master.put(destination.storeName(), destination);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the master's destinations have a malformed record: "
                        + java.util.Arrays.toString(record), e);
            }
        }
        for (Destination known : List.copyOf(byStoreName.values())) {
            Destination theirs = master.get(known.storeName());
            boolean deleted = theirs == null && namedByMaster.contains(known.storeName());
            if (!known.isTemporary() && (deleted || theirs != null && theirs.partitions() != known.partitions())) {
                byStoreName.remove(known.storeName(), known);
                known.markDeleted();
            }
        }
        for (Destination destination : master.values()) {
            byStoreName.putIfAbsent(destination.storeName(), destination);
        }
        namedByMaster = master.keySet();
        persist();
    }

    /**
     * Partitions of a new destination: one if {@code singlePartitionDestinations} names it (one partition is one
     * order for every message, whatever session or group sent it), else {@code defaultTopicQueueNums}.
     */
    int partitionsOf(String name) {
        for (String pattern : singlePartition) {
            boolean prefix = pattern.endsWith("*");
            if (prefix ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern)) {
                return 1;
            }
        }
        return defaultPartitions;
    }

    /** Removes a destination; its stored messages stay until retention removes them. */
    public synchronized void delete(Destination destination) {
        if (byStoreName.remove(destination.storeName(), destination)) {
            destination.markDeleted();
            if (!destination.isTemporary()) {
                persist();
            }
            LOG.info("deleted {}", destination);
            for (DestinationListener listener : listeners) {
                listener.deleted(destination);
            }
        }
    }

    private void persist() {
        List<String[]> records = new ArrayList<>();
        for (Destination destination : byStoreName.values()) {
            if (!destination.isTemporary()) {
                records.add(new String[] {destination.name(), destination.kind().name(),
                        Integer.toString(destination.partitions())});
            }
        }
        try {
            file.write(records);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the destination registry " + file.path(), e);
        }
    }

    /** The store refuses destination names over its limit; say so before anything is created. */
    private static void checkName(DestinationRef.Kind kind, String name) {
        int bytes = Destination.storeName(kind, name).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > RecordLimits.MAX_DESTINATION_BYTES) {
            throw RequestException.notFound("destination name " + describe(kind, name) + " is too long: "
                    + bytes + " bytes with its kind prefix, at most " + RecordLimits.MAX_DESTINATION_BYTES);
        }
    }

    public static String describe(DestinationRef.Kind kind, String name) {
        return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " '" + name + "'";
    }
}
