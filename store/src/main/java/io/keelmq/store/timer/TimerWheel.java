package io.keelmq.store.timer;

import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.StoreFile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The timer wheel: one file of {@code slots} fixed-size {@link TimerSlot slots}, slot i holding
 * the entries due in the precision steps t with (t / precision) mod slots = i. Only steps inside
 * the window ahead of the scan are ever filled, so a slot serves one step at a time; a slot whose
 * recorded time is not the step asked for is empty. The file is the whole structure: a lookup
 * is one positional read, and nothing per entry is kept on the heap.
 */
final class TimerWheel implements Closeable {
    private final long precisionMillis;
    private final int slots;
    private final ByteBuffer slotBuffer = ByteBuffer.allocate(TimerSlot.SIZE);
    private final StoreFile file;

    TimerWheel(Path path, FileLayer layer, long precisionMillis, int slots) throws IOException {
        this.precisionMillis = precisionMillis;
        this.slots = slots;
        this.file = layer.open(path);
    }

    /** The slot that serves the step starting at {@code slotMillis} (empty if it holds another step). */
    TimerSlot get(long slotMillis) throws IOException {
        slotBuffer.clear();
        int read = file.read(slotBuffer, position(slotMillis));
        if (read < TimerSlot.SIZE) {
            return TimerSlot.empty(slotMillis); // never written: the file is extended lazily
        }
        slotBuffer.flip();
        TimerSlot slot = new TimerSlot(slotBuffer.getLong(), slotBuffer.getLong(), slotBuffer.getLong(),
                slotBuffer.getLong(), slotBuffer.getInt());
        return slot.slotMillis() == slotMillis ? slot : TimerSlot.empty(slotMillis);
    }

    void put(TimerSlot slot) throws IOException {
        slotBuffer.clear();
        slotBuffer.putLong(slot.slotMillis()).putLong(slot.firstPosition()).putLong(slot.lastPosition())
                .putLong(slot.minCommitLogOffset()).putInt(slot.count()).putInt(0).flip();
        file.write(slotBuffer, position(slot.slotMillis()));
    }

    /** Empties the slot of {@code slotMillis}. */
    void clear(long slotMillis) throws IOException {
        put(TimerSlot.empty(slotMillis));
    }

    /** What the live slots (steps at or after {@code fromSlotMillis}) still need of the log and commit log. */
    LiveRange liveRange(long fromSlotMillis) throws IOException {
        long lowestPosition = Long.MAX_VALUE;
        long lowestCommitLogOffset = Long.MAX_VALUE;
        long pending = 0;
        ByteBuffer chunk = ByteBuffer.allocate(TimerSlot.SIZE * 4096);
        long size = file.size();
        for (long at = 0; at < size; at += chunk.capacity()) {
            chunk.clear();
            int read = file.read(chunk, at);
            chunk.flip();
            for (int i = 0; i + TimerSlot.SIZE <= read; i += TimerSlot.SIZE) {
                long slotMillis = chunk.getLong(i);
                int count = chunk.getInt(i + 32);
                if (count > 0 && slotMillis >= fromSlotMillis) {
                    lowestPosition = Math.min(lowestPosition, chunk.getLong(i + 8));
                    lowestCommitLogOffset = Math.min(lowestCommitLogOffset, chunk.getLong(i + 24));
                    pending += count;
                }
            }
        }
        return new LiveRange(lowestPosition, lowestCommitLogOffset, pending);
    }

    /**
     * What the wheel's live slots need.
     *
     * @param lowestLogPosition      lowest timer-log position a live slot reaches, MAX_VALUE if none
     * @param lowestCommitLogOffset  lowest commit-log offset of a pending entry, MAX_VALUE if none
     * @param pendingEntries         entries in live slots (a rolled record counts once per parked entry)
     */
    record LiveRange(long lowestLogPosition, long lowestCommitLogOffset, long pendingEntries) {
    }

    /** Empties every slot (the wheel is being rebuilt). */
    void clearAll() throws IOException {
        file.truncate(0);
    }

    long fileSize() throws IOException {
        return file.size();
    }

    private long position(long slotMillis) {
        return Math.floorMod(Math.floorDiv(slotMillis, precisionMillis), (long) slots) * TimerSlot.SIZE;
    }

    void force() throws IOException {
        file.force();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
