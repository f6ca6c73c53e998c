package io.keelmq.store.queue;

import io.keelmq.store.io.FileLayer;

import java.io.Closeable;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every consume queue, laid out as {@code consumequeue/<destination>/<partition>/}.
 * Destination names are URL-encoded on disk because JMS names may hold any character.
 */
public final class ConsumeQueueTable implements Closeable {
    private final Path root;
    private final int entriesPerFile;
    private final FileLayer layer;
    private final Map<String, Map<Integer, ConsumeQueue>> queues = new ConcurrentHashMap<>();

    public ConsumeQueueTable(Path root, int entriesPerFile, FileLayer layer) {
        this.root = root;
        this.entriesPerFile = entriesPerFile;
        this.layer = layer;
    }

    /** Opens every queue found on disk. */
    public void load() throws IOException {
        layer.createDirectories(root);
        for (Path destinationDir : layer.listDirectories(root)) {
            String destination = URLDecoder.decode(destinationDir.getFileName().toString(), StandardCharsets.UTF_8);
            for (Path partitionDir : layer.listDirectories(destinationDir)) {
                String name = partitionDir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                ConsumeQueue queue = create(destination, Integer.parseInt(name));
                queue.load();
            }
        }
    }

    /** The queue of a (destination, partition), or null if nothing was ever stored there. */
    public ConsumeQueue find(String destination, int partition) {
        Map<Integer, ConsumeQueue> partitions = queues.get(destination);
        return partitions == null ? null : partitions.get(partition);
    }

    ConsumeQueue getOrCreate(String destination, int partition) throws IOException {
        ConsumeQueue queue = find(destination, partition);
        return queue != null ? queue : create(destination, partition);
    }

    private ConsumeQueue create(String destination, int partition) throws IOException {
        Path dir = root.resolve(URLEncoder.encode(destination, StandardCharsets.UTF_8)).resolve(Integer.toString(partition));
        layer.createDirectories(dir);
        ConsumeQueue queue = new ConsumeQueue(destination, partition, dir, entriesPerFile, layer);
        queues.computeIfAbsent(destination, d -> new ConcurrentHashMap<>()).put(partition, queue);
        return queue;
    }

    /** Writes an entry; called by the dispatcher only. */
    public void put(String destination, int partition, long queueOffset, long physicalOffset, int size,
                    long tagHash) throws IOException {
        getOrCreate(destination, partition).put(queueOffset, physicalOffset, size, tagHash);
    }

    /** Writes {@code count} consecutive entries of one queue; see {@link ConsumeQueue#putRun}. */
    public void putRun(String destination, int partition, long firstOffset, long[] physicalOffsets, int[] sizes,
                       long[] tagHashes, int count) throws IOException {
        getOrCreate(destination, partition).putRun(firstOffset, physicalOffsets, sizes, tagHashes, count);
    }

    public List<ConsumeQueue> all() {
        List<ConsumeQueue> all = new ArrayList<>();
        queues.values().forEach(partitions -> all.addAll(partitions.values()));
        return all;
    }

    public void forceAll() throws IOException {
        for (ConsumeQueue queue : all()) {
            queue.force();
        }
    }

    /** Recovery: drops entries pointing at or past {@code physicalOffset} in every queue. */
    public void truncateFrom(long physicalOffset) throws IOException {
        for (ConsumeQueue queue : all()) {
            queue.truncateFrom(physicalOffset);
        }
    }

    /** Retention: drops entries whose messages are below the commit log's minimum. */
    public void deleteBelow(long commitLogMinOffset) throws IOException {
        for (ConsumeQueue queue : all()) {
            queue.deleteBelow(commitLogMinOffset);
        }
    }

    @Override
    public void close() throws IOException {
        for (ConsumeQueue queue : all()) {
            queue.close();
        }
        queues.clear();
    }
}
