package io.keelmq.server.consume;

import io.keelmq.server.persist.AtomicTextFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per persisted subscription and partition, a "delivered up to" reservation: no message at
 * or above the mark has ever been delivered. The mark is advanced in chunks and written
 * (atomically, forced) before the broker delivers beyond it, so after a crash every
 * unacknowledged message below the mark read at start-up may have been delivered and is
 * redelivered with JMSRedelivered=true, while one write covers a whole chunk of deliveries.
 *
 * <p>File {@code <storePathRootDir>/config/delivery-marks}: subscription, partition, mark.
 */
public final class DeliveryMarks {
    private final AtomicTextFile file;
    private final Map<String, Map<Integer, Long>> current = new HashMap<>();
    private final Map<String, Map<Integer, Long>> atStartup = new HashMap<>();

    public DeliveryMarks(Path configDir) {
        this.file = new AtomicTextFile(configDir.resolve("delivery-marks"),
                "keelmq delivery marks v1: subscription partition mark");
    }

    public synchronized void load() throws IOException {
        for (String[] record : file.read()) {
            try {
                long mark = Long.parseLong(record[2]);
                int partition = Integer.parseInt(record[1]);
                current.computeIfAbsent(record[0], k -> new HashMap<>()).put(partition, mark);
                atStartup.computeIfAbsent(record[0], k -> new HashMap<>()).put(partition, mark);
            } catch (RuntimeException e) {
                throw file.malformed(record, e);
            }
        }
    }

    /** The mark read at start-up: messages below it may have been delivered by an earlier run. */
    public synchronized long markAtStartup(String subscription, int partition) {
        return atStartup.getOrDefault(subscription, Map.of()).getOrDefault(partition, 0L);
    }

    public synchronized long mark(String subscription, int partition) {
        return current.getOrDefault(subscription, Map.of()).getOrDefault(partition, 0L);
    }

    /** Raises the mark and writes the file before returning; the caller delivers below it only then. */
    public synchronized void reserve(String subscription, int partition, long mark) throws IOException {
        current.computeIfAbsent(subscription, k -> new HashMap<>()).put(partition, mark);
        persist();
    }

    /** Sets a mark without writing (clean shutdown sets exact marks, then calls {@link #persist()}). */
    public synchronized void set(String subscription, int partition, long mark) {
        current.computeIfAbsent(subscription, k -> new HashMap<>()).put(partition, mark);
    }

    public synchronized void forget(String subscription) throws IOException {
        if (current.remove(subscription) != null) {
            persist();
        }
        atStartup.remove(subscription);
    }

    public synchronized void persist() throws IOException {
        List<String[]> records = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Long>> sub : current.entrySet()) {
            for (Map.Entry<Integer, Long> partition : sub.getValue().entrySet()) {
                records.add(new String[] {sub.getKey(), partition.getKey().toString(), partition.getValue().toString()});
            }
        }
        file.write(records);
    }
}
