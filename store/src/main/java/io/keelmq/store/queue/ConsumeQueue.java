package io.keelmq.store.queue;

import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.OffsetFileNames;
import io.keelmq.store.io.StoreFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The logical view of one (destination, partition): entry N says where the N-th
 * message is in the commit log. Entries are {@value #ENTRY_SIZE} bytes (physical offset,
 * size, tag hash), so a logical offset is a multiplication away. Files hold
 * {@code entriesPerFile} entries each and are named by their first logical offset.
 *
 * <p>One writer (the dispatcher) and any number of readers: an entry is published by
 * raising {@link #maxOffset()} after it is written.
 */
public final class ConsumeQueue implements Closeable {
    public static final int ENTRY_SIZE = 20;
    private static final Logger LOG = LoggerFactory.getLogger(ConsumeQueue.class);

    private final String destination;
    private final int partition;
    private final Path dir;
    private final int entriesPerFile;
    private final FileLayer layer;
    private final ConcurrentSkipListMap<Long, StoreFile> files = new ConcurrentSkipListMap<>();
    private volatile long minOffset;
    private volatile long maxOffset;
    private long forcedOffset;

    ConsumeQueue(String destination, int partition, Path dir, int entriesPerFile, FileLayer layer) {
        this.destination = destination;
        this.partition = partition;
        this.dir = dir;
        this.entriesPerFile = entriesPerFile;
        this.layer = layer;
    }

    public String destination() {
        return destination;
    }

    public int partition() {
        return partition;
    }

    /** Opens existing files and finds the last entry actually written. */
    void load() throws IOException {
        layer.createDirectories(dir);
        for (Path path : layer.list(dir)) {
            long first = OffsetFileNames.parse(path);
            if (first >= 0) {
                files.put(first, layer.open(path));
            }
        }
        if (files.isEmpty()) {
            return;
        }
        minOffset = files.firstKey();
        Map.Entry<Long, StoreFile> last = files.lastEntry();
        long entries = Math.min(last.getValue().size() / ENTRY_SIZE, entriesPerFile);
        long offset = last.getKey() + entries;
        // Trailing zero entries are holes left by a crash, not messages.
        while (offset > last.getKey() && readRaw(offset - 1).size() <= 0) {
            offset--;
        }
        maxOffset = offset;
        forcedOffset = offset;
    }

    /** Writes the entry for {@code queueOffset}; the dispatcher's only call. */
    void put(long queueOffset, long physicalOffset, int size, long tagHash) throws IOException {
        if (queueOffset > maxOffset && maxOffset > 0) {
            LOG.warn("consume queue {}-{} skips from {} to {}", destination, partition, maxOffset, queueOffset);
        }
        long fileStart = queueOffset - queueOffset % entriesPerFile;
        StoreFile file = files.get(fileStart);
        if (file == null) {
            file = layer.open(OffsetFileNames.in(dir, fileStart));
            files.put(fileStart, file);
            if (files.size() == 1) {
                minOffset = fileStart;
            }
        }
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE).putLong(physicalOffset).putInt(size).putLong(tagHash).flip();
        file.write(entry, (queueOffset - fileStart) * ENTRY_SIZE);
        if (queueOffset >= maxOffset) {
            maxOffset = queueOffset + 1;
        }
    }

    /**
     * Writes consecutive entries starting at {@code firstOffset} with as few writes as
     * file boundaries allow, then publishes them all at once. The dispatcher's fast path.
     */
    void putRun(long firstOffset, long[] physicalOffsets, int[] sizes, long[] tagHashes, int count) throws IOException {
        int done = 0;
        while (done < count) {
            long offset = firstOffset + done;
            long fileStart = offset - offset % entriesPerFile;
            int inThisFile = (int) Math.min(count - done, fileStart + entriesPerFile - offset);
            StoreFile file = files.get(fileStart);
            if (file == null) {
                file = layer.open(OffsetFileNames.in(dir, fileStart));
                files.put(fileStart, file);
                if (files.size() == 1) {
                    minOffset = fileStart;
                }
            }
            ByteBuffer entries = ByteBuffer.allocate(inThisFile * ENTRY_SIZE);
            for (int i = done; i < done + inThisFile; i++) {
                entries.putLong(physicalOffsets[i]).putInt(sizes[i]).putLong(tagHashes[i]);
            }
            file.write(entries.flip(), (offset - fileStart) * ENTRY_SIZE);
            done += inThisFile;
        }
        if (firstOffset + count > maxOffset) {
            maxOffset = firstOffset + count;
        }
    }

    /** The lowest logical offset still readable. */
    public long minOffset() {
        return minOffset;
    }

    /** One past the highest logical offset written. */
    public long maxOffset() {
        return maxOffset;
    }

    /** The entry at {@code queueOffset}, or null outside [min, max). */
    public ConsumeQueueEntry get(long queueOffset) throws IOException {
        if (queueOffset < minOffset || queueOffset >= maxOffset) {
            return null;
        }
        return readRaw(queueOffset);
    }

    /** Up to {@code maxCount} entries from {@code fromOffset}, stopping at a file end. */
    public List<ConsumeQueueEntry> read(long fromOffset, int maxCount) throws IOException {
        long from = Math.max(fromOffset, minOffset);
        long fileStart = from - from % entriesPerFile;
        long to = Math.min(Math.min(maxOffset, from + maxCount), fileStart + entriesPerFile);
        if (from >= to) {
            return List.of();
        }
        StoreFile file = files.get(fileStart);
        if (file == null) {
            return List.of();
        }
        ByteBuffer bytes = ByteBuffer.allocate((int) (to - from) * ENTRY_SIZE);
        file.read(bytes, (from - fileStart) * ENTRY_SIZE);
        bytes.flip();
        List<ConsumeQueueEntry> entries = new ArrayList<>((int) (to - from));
        for (long offset = from; bytes.remaining() >= ENTRY_SIZE; offset++) {
            entries.add(new ConsumeQueueEntry(offset, bytes.getLong(), bytes.getInt(), bytes.getLong()));
        }
        return entries;
    }

    private ConsumeQueueEntry readRaw(long queueOffset) throws IOException {
        long fileStart = queueOffset - queueOffset % entriesPerFile;
        StoreFile file = files.get(fileStart);
        if (file == null) {
            return new ConsumeQueueEntry(queueOffset, -1, 0, 0);
        }
        ByteBuffer bytes = ByteBuffer.allocate(ENTRY_SIZE);
        if (file.read(bytes, (queueOffset - fileStart) * ENTRY_SIZE) < ENTRY_SIZE) {
            return new ConsumeQueueEntry(queueOffset, -1, 0, 0);
        }
        bytes.flip();
        return new ConsumeQueueEntry(queueOffset, bytes.getLong(), bytes.getInt(), bytes.getLong());
    }

    /**
     * The first logical offset whose message was stored at or after {@code timestamp};
     * {@link #maxOffset()} if none. Binary search: store timestamps grow with offsets.
     */
    public long offsetAtTime(long timestamp, StoreTimeLookup lookup) throws IOException {
        long low = minOffset;
        long high = maxOffset;
        while (low < high) {
            long mid = (low + high) >>> 1;
            ConsumeQueueEntry entry = get(mid);
            long time = entry == null ? Long.MAX_VALUE : lookup.storeTimestamp(entry.physicalOffset());
            if (time < timestamp) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Reads the store timestamp of the record at a commit-log offset. */
    @FunctionalInterface
    public interface StoreTimeLookup {
        long storeTimestamp(long physicalOffset) throws IOException;
    }

    /**
     * Recovery: drops every entry that points at or beyond {@code physicalOffset}, and
     * any hole at the end. Entries are in commit-log order, so they form a suffix.
     */
    void truncateFrom(long physicalOffset) throws IOException {
        long offset = maxOffset;
        while (offset > minOffset) {
            ConsumeQueueEntry entry = readRaw(offset - 1);
            if (entry.size() > 0 && entry.physicalOffset() < physicalOffset) {
                break;
            }
            offset--;
        }
        if (offset == maxOffset) {
            return;
        }
        for (Long start : new ArrayList<>(files.descendingKeySet())) {
            if (start >= offset && start > minOffset) {
                StoreFile file = files.remove(start);
                file.close();
                layer.delete(OffsetFileNames.in(dir, start));
            } else {
                files.get(start).truncate((offset - start) * ENTRY_SIZE);
                break;
            }
        }
        maxOffset = offset;
        forcedOffset = Math.min(forcedOffset, offset);
    }

    /**
     * Retention: removes files whose every entry points below the commit log's new
     * minimum, keeping the newest file so offsets continue.
     */
    void deleteBelow(long commitLogMinOffset) throws IOException {
        while (files.size() > 1) {
            Map.Entry<Long, StoreFile> first = files.firstEntry();
            long lastInFile = first.getKey() + entriesPerFile - 1;
            ConsumeQueueEntry last = readRaw(lastInFile);
            if (last.size() <= 0 || last.physicalOffset() >= commitLogMinOffset) {
                break;
            }
            files.remove(first.getKey());
            first.getValue().close();
            layer.delete(OffsetFileNames.in(dir, first.getKey()));
            minOffset = files.firstKey();
        }
        // Within the remaining first file, skip entries whose message is gone.
        long low = minOffset;
        long high = maxOffset;
        while (low < high) {
            long mid = (low + high) >>> 1;
            ConsumeQueueEntry entry = readRaw(mid);
            if (entry.size() > 0 && entry.physicalOffset() < commitLogMinOffset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        minOffset = low;
    }

    /** Forces the files written since the last force. */
    void force() throws IOException {
        long upTo = maxOffset;
        if (upTo == forcedOffset) {
            return;
        }
        long fromFile = forcedOffset - forcedOffset % entriesPerFile;
        for (StoreFile file : files.tailMap(fromFile).values()) {
            file.force();
        }
        forcedOffset = upTo;
    }

    @Override
    public void close() throws IOException {
        for (StoreFile file : files.values()) {
            file.close();
        }
        files.clear();
    }
}
