package io.keelmq.store.index;

import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.OffsetFileNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The index from message key and message id to commit-log offsets: a sequence of
 * {@link IndexFile}s named by the first commit-log offset they cover. Keys and ids
 * share the files under distinct prefixes. Hash matches are candidates only; the
 * store confirms each against the record itself.
 */
public final class MessageIndex implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MessageIndex.class);
    private static final String KEY_PREFIX = "K:";
    private static final String ID_PREFIX = "I:";

    private final Path dir;
    private final FileLayer layer;
    private final int slotCount;
    private final int maxEntries;
    private final ConcurrentSkipListMap<Long, IndexFile> files = new ConcurrentSkipListMap<>();
    /** Records before this offset are indexed already; re-dispatch after a crash skips them. */
    private volatile long indexedUpTo;

    public MessageIndex(Path dir, FileLayer layer, int slotCount, int maxEntries) {
        this.dir = dir;
        this.layer = layer;
        this.slotCount = slotCount;
        this.maxEntries = maxEntries;
    }

    /**
     * Opens the index files. After a crash ({@code clean == false}) only sealed files
     * are trusted; a file still being written is deleted and rebuilt from the commit
     * log from {@link #indexedUpTo()}.
     */
    public void load(boolean clean) throws IOException {
        layer.createDirectories(dir);
        for (Path path : layer.list(dir)) {
            long begin = OffsetFileNames.parse(path);
            if (begin < 0) {
                continue;
            }
            files.put(begin, IndexFile.open(layer.open(path), slotCount, maxEntries, begin));
        }
        indexedUpTo = 0;
        if (!clean) {
            while (!files.isEmpty() && !files.lastEntry().getValue().isSealed()) {
                var last = files.pollLastEntry();
                LOG.info("index file {} was not sealed before the crash; rebuilding it from the commit log",
                        last.getKey());
                last.getValue().close();
                layer.delete(OffsetFileNames.in(dir, last.getKey()));
                indexedUpTo = last.getKey();
            }
        }
        if (!files.isEmpty()) {
            indexedUpTo = files.lastEntry().getValue().endPhysicalOffset();
        }
    }

    public long indexedUpTo() {
        return indexedUpTo;
    }

    /** Indexes a record's id and keys; records before {@link #indexedUpTo()} are skipped. */
    public void add(String messageId, List<String> keys, long physicalOffset, int size, long storeTimestamp)
            throws IOException {
        if (physicalOffset < indexedUpTo) {
            return;
        }
        long end = physicalOffset + size;
        int needed = (messageId.isEmpty() ? 0 : 1) + keys.size();
        if (needed > 0) {
            IndexFile file = fileWithRoom(physicalOffset, Math.min(needed, maxEntries));
            if (!messageId.isEmpty()) {
                file.put(ID_PREFIX + messageId, physicalOffset, end, storeTimestamp);
            }
            // A record with more keys than a whole file holds keeps the ones that fit.
            for (String key : keys.subList(0, Math.min(keys.size(), maxEntries - (messageId.isEmpty() ? 0 : 1)))) {
                file.put(KEY_PREFIX + key, physicalOffset, end, storeTimestamp);
            }
        }
        indexedUpTo = end;
    }

    /** The newest file if it has room for all of a record's entries, else a new one. */
    private IndexFile fileWithRoom(long physicalOffset, int entries) throws IOException {
        var last = files.lastEntry();
        if (last != null && !last.getValue().isSealed() && last.getValue().hasRoomFor(entries)) {
            return last.getValue();
        }
        if (last != null && !last.getValue().isSealed()) {
            last.getValue().flush(true);
        }
        Path path = OffsetFileNames.in(dir, physicalOffset);
        IndexFile file = IndexFile.create(layer.open(path), slotCount, maxEntries, physicalOffset);
        files.put(physicalOffset, file);
        return file;
    }

    /**
     * Recovery after the commit log was cut at {@code logEnd}: drops files that index
     * records past it.
     *
     * @return true if files were dropped, so the records from {@link #indexedUpTo()} need indexing again
     */
    public boolean truncateAfter(long logEnd) throws IOException {
        boolean dropped = false;
        while (!files.isEmpty() && files.lastEntry().getValue().endPhysicalOffset() > logEnd) {
            var last = files.pollLastEntry();
            last.getValue().close();
            layer.delete(OffsetFileNames.in(dir, last.getKey()));
            indexedUpTo = last.getKey();
            dropped = true;
        }
        if (!files.isEmpty()) {
            indexedUpTo = Math.min(indexedUpTo, files.lastEntry().getValue().endPhysicalOffset());
        }
        indexedUpTo = Math.min(indexedUpTo, logEnd);
        return dropped;
    }

    /** Candidate offsets for a message key, newest first. */
    public List<Long> queryKey(String key, long fromTimestamp, long toTimestamp, int max) throws IOException {
        return query(KEY_PREFIX + key, fromTimestamp, toTimestamp, max);
    }

    /** Candidate offsets for a message id, newest first. */
    public List<Long> queryId(String messageId, long fromTimestamp, long toTimestamp, int max) throws IOException {
        return query(ID_PREFIX + messageId, fromTimestamp, toTimestamp, max);
    }

    private List<Long> query(String key, long fromTimestamp, long toTimestamp, int max) throws IOException {
        List<Long> offsets = new ArrayList<>();
        for (IndexFile file : files.descendingMap().values()) {
            if (offsets.size() >= max) {
                break;
            }
            if (file.overlaps(fromTimestamp, toTimestamp)) {
                file.query(key, fromTimestamp, toTimestamp, max, offsets);
            }
        }
        return offsets;
    }

    /** Makes the newest file's entries and header durable. */
    public void flush() throws IOException {
        var last = files.lastEntry();
        if (last != null && !last.getValue().isSealed()) {
            last.getValue().flush(false);
        }
    }

    /** Retention: deletes files whose records all lie below the commit log's minimum. */
    public void deleteBelow(long commitLogMinOffset) throws IOException {
        while (files.size() > 1 && files.firstEntry().getValue().endPhysicalOffset() <= commitLogMinOffset) {
            var first = files.pollFirstEntry();
            first.getValue().close();
            layer.delete(OffsetFileNames.in(dir, first.getKey()));
        }
    }

    @Override
    public void close() throws IOException {
        for (IndexFile file : files.values()) {
            file.close();
        }
        files.clear();
    }
}
