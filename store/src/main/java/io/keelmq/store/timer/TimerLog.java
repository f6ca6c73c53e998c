package io.keelmq.store.timer;

import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.OffsetFileNames;
import io.keelmq.store.io.StoreFile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The timer log: append-only files of fixed-size {@link TimerEntry entries}, named by the
 * 20-digit log position of their first entry. A position is a byte position over all files, so
 * an entry is found by arithmetic. Entries are never rewritten: a wheel slot's list is threaded
 * through them by their previous-position field. Only the wheel and the scan decide which entries
 * are still live; files wholly below the lowest live position are deleted.
 *
 * <p>Open files are the only heap this costs: nothing is kept per entry.
 */
final class TimerLog implements Closeable {
    private final Path dir;
    private final FileLayer layer;
    private final int fileSize;
    private final TreeMap<Long, StoreFile> files = new TreeMap<>();
    private final ByteBuffer entryBuffer = ByteBuffer.allocate(TimerEntry.SIZE);
    private long writePosition;

    /** Opens the log; {@code endPosition} is the end recorded at the last clean close. */
    TimerLog(Path dir, FileLayer layer, int fileSize, long endPosition) throws IOException {
        this.dir = dir;
        this.layer = layer;
        this.fileSize = fileSize;
        layer.createDirectories(dir);
        for (Path path : layer.list(dir)) {
            long start = OffsetFileNames.parse(path);
            if (start < 0) {
                continue;
            }
            if (start >= endPosition) { // holds nothing written before the clean close
                layer.delete(path);
                continue;
            }
            files.put(start, layer.open(path));
        }
        this.writePosition = endPosition;
        StoreFile last = files.isEmpty() ? null : files.lastEntry().getValue();
        if (last != null) {
            last.truncate(endPosition - files.lastKey());
        }
    }

    /** Appends an entry; returns its position. */
    long append(long previousPosition, long dueMillis, long commitLogOffset, int size) throws IOException {
        long position = writePosition;
        long start = position - position % fileSize;
        StoreFile file = files.get(start);
        if (file == null) {
            file = layer.open(OffsetFileNames.in(dir, start));
            files.put(start, file);
        }
        entryBuffer.clear();
        entryBuffer.putLong(previousPosition).putLong(dueMillis).putLong(commitLogOffset).putInt(size)
                .putInt(TimerEntry.MAGIC).flip();
        file.write(entryBuffer, position - start);
        writePosition = position + TimerEntry.SIZE;
        return position;
    }

    /** The entry at {@code position}. */
    TimerEntry read(long position) throws IOException {
        if (position < 0 || position >= writePosition || position % TimerEntry.SIZE != 0) {
            throw new IOException("timer log has no entry at position " + position + " (end " + writePosition + ")");
        }
        long start = position - position % fileSize;
        StoreFile file = files.get(start);
        if (file == null) {
            throw new IOException("timer log file for position " + position + " was deleted while still needed");
        }
        entryBuffer.clear();
        if (file.read(entryBuffer, position - start) != TimerEntry.SIZE) {
            throw new IOException("timer log entry at " + position + " is cut short");
        }
        entryBuffer.flip();
        TimerEntry entry = new TimerEntry(entryBuffer.getLong(), entryBuffer.getLong(), entryBuffer.getLong(),
                entryBuffer.getInt());
        if (entryBuffer.getInt() != TimerEntry.MAGIC) {
            throw new IOException("timer log entry at " + position + " is not an entry (bad magic)");
        }
        return entry;
    }

    long writePosition() {
        return writePosition;
    }

    /** Deletes the files that lie wholly below {@code lowestLivePosition}; returns how many. */
    int deleteFilesBelow(long lowestLivePosition) throws IOException {
        List<Long> doomed = new ArrayList<>();
        for (long start : files.keySet()) {
            boolean isCurrent = start == writePosition - writePosition % fileSize;
            if (start + fileSize <= lowestLivePosition && !isCurrent) {
                doomed.add(start);
            }
        }
        for (long start : doomed) {
            files.remove(start).close();
            layer.delete(OffsetFileNames.in(dir, start));
        }
        return doomed.size();
    }

    /** Number of log files on disk. */
    int fileCount() {
        return files.size();
    }

    /** Forgets every entry (the wheel is being rebuilt): deletes the files, positions restart at 0. */
    void clear() throws IOException {
        for (var file : files.entrySet()) {
            file.getValue().close();
            layer.delete(OffsetFileNames.in(dir, file.getKey()));
        }
        files.clear();
        writePosition = 0;
    }

    void force() throws IOException {
        for (StoreFile file : files.values()) {
            file.force();
        }
    }

    @Override
    public void close() throws IOException {
        for (StoreFile file : files.values()) {
            file.close();
        }
        files.clear();
    }
}
