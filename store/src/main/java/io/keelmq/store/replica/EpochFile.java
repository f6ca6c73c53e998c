package io.keelmq.store.replica;

import io.keelmq.store.io.FileLayer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The broker's leader epochs (RocketMQ's {@code EpochFileCache}, Kafka's leader-epoch checkpoint): one line
 * {@code epoch startOffset} per mastership, oldest first. A master starts a new epoch at its log's end before it
 * takes a send; a slave keeps its master's entries as far as its copy reaches. Two logs agree up to the end of
 * their last common epoch, which is where a slave that diverged must be cut ({@link #divergencePoint}).
 * Written whole and atomically.
 */
public final class EpochFile {
    /** One mastership: from {@code startOffset} the log was written by the master of {@code epoch}. */
    public record Entry(long epoch, long startOffset) {
    }

    private final FileLayer layer;
    private final Path path;
    private List<Entry> entries;

    private EpochFile(FileLayer layer, Path path, List<Entry> entries) {
        this.layer = layer;
        this.path = path;
        this.entries = entries;
    }

    /** Reads {@code path}; absent means no epoch yet. */
    public static EpochFile load(FileLayer layer, Path path) throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (layer.exists(path)) {
            int line = 0;
            for (String text : new String(layer.readAll(path), StandardCharsets.UTF_8).split("\n")) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String[] fields = text.trim().split(" ");
                try {
                    entries.add(new Entry(Long.parseLong(fields[0]), Long.parseLong(fields[1])));
                } catch (RuntimeException e) {
                    throw new IOException(path + " line " + line + ": expected 'epoch startOffset', found '" + text
                            + "'");
                }
            }
        }
        return new EpochFile(layer, path, entries);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** The current epoch, 0 when none was ever started. */
    public synchronized long lastEpoch() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).epoch();
    }

    /** A master's start: a new epoch beginning at {@code logEnd}, durable before this returns. */
    public synchronized Entry startEpoch(long logEnd) throws IOException {
        Entry next = new Entry(lastEpoch() + 1, logEnd);
        List<Entry> updated = new ArrayList<>(entries);
        updated.add(next);
        write(updated);
        return next;
    }

    /**
     * A master elected by the controller: epoch {@code epoch} (the controller's master epoch, which must be above
     * every epoch of this log) begins at {@code logEnd}, durable before this returns.
     */
    public synchronized Entry startEpoch(long epoch, long logEnd) throws IOException {
        if (epoch <= lastEpoch()) {
            throw new IOException("epoch " + epoch + " is not above this log's last epoch " + lastEpoch() + " ("
                    + path + "): the controller's epochs must only grow");
        }
        Entry next = new Entry(epoch, logEnd);
        List<Entry> updated = new ArrayList<>(entries);
        updated.add(next);
        write(updated);
        return next;
    }

    /** A slave: keeps its master's entries that start at or below its log's end; writes only on a change. */
    public synchronized void follow(List<Entry> masters, long logEnd) throws IOException {
        List<Entry> kept = new ArrayList<>();
        for (Entry entry : masters) {
            if (entry.startOffset() <= logEnd) {
                kept.add(entry);
            }
        }
        if (!kept.equals(entries)) {
            write(kept);
        }
    }

    private void write(List<Entry> updated) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Entry entry : updated) {
            text.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
        }
        layer.writeAtomically(path, text.toString().getBytes(StandardCharsets.UTF_8));
        entries = List.copyOf(updated);
    }

    /**
     * Where a slave's log stops agreeing with its master's: the end, on the master, of the last epoch both have (the
     * start of the master's next epoch, or its log end), capped at the slave's end. A slave with no epochs agrees up
     * to its end if that is within the master's log (a fresh or pre-epoch copy). -1: no epoch in common.
     */
    public static long divergencePoint(List<Entry> slave, long slaveEnd, List<Entry> master, long masterEnd) {
        if (slave.isEmpty()) {
            return slaveEnd <= masterEnd ? slaveEnd : -1;
        }
        for (int i = slave.size() - 1; i >= 0; i--) {
            Entry ours = slave.get(i);
            for (int k = 0; k < master.size(); k++) {
                if (master.get(k).equals(ours)) {
                    long end = k + 1 < master.size() ? master.get(k + 1).startOffset() : masterEnd;
                    return Math.min(slaveEnd, end);
                }
            }
        }
        return -1;
    }
}
