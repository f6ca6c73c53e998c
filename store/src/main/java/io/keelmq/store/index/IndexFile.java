package io.keelmq.store.index;

import io.keelmq.store.io.StoreFile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One hash-index file (RocketMQ's IndexFile): a header, a table of hash slots, and
 * entries chained per slot, newest first.
 *
 * <pre>
 * header  long beginTimestamp, long endTimestamp, long beginPhysicalOffset,
 *         long endPhysicalOffset (exclusive), int entryCount, int sealed
 * slots   slotCount x int: number of the newest entry of the slot, 0 = empty
 * entries maxEntries x (int keyHash, long physicalOffset, int secondsSinceBegin, int previousEntry)
 * </pre>
 *
 * A file is sealed (flag written after a force) when full; only a sealed file is
 * trusted after a crash.
 *
 * <p>While a file is written its slot table lives in memory as well: a put then costs one
 * write (its entry) instead of reading and writing the slot too, and it runs on the thread
 * that answers sends. The table's changed pages reach the file at {@link #flush}, before
 * the header that claims their entries; a file not sealed is rebuilt after a crash anyway.
 * Flushes copy the changed pages under the lock and write and force outside it, so a
 * checkpoint holds up puts for a memory copy, not for a force.
 */
final class IndexFile implements Closeable {
    static final int HEADER_SIZE = 40;
    static final int SLOT_SIZE = 4;
    static final int ENTRY_SIZE = 20;
    /** Slots per page of the slot table written at flush (4 KiB). */
    static final int SLOTS_PER_PAGE = 1024;

    private final StoreFile file;
    private final int slotCount;
    private final int maxEntries;
    private final long beginPhysicalOffset;
    private long beginTimestamp;
    private long endTimestamp;
    private long endPhysicalOffset;
    private int entryCount;
    private boolean sealed;
    /** The slot table while the file is written (null once sealed: queries then read the file's). */
    private int[] slots;
    /** Pages of {@code slots} changed since the last flush copied them. */
    private final BitSet dirtyPages = new BitSet();
    /** One flush at a time: a checkpoint's and a seal's must not interleave their headers. */
    private final Object flushLock = new Object();

    private IndexFile(StoreFile file, int slotCount, int maxEntries, long beginPhysicalOffset) {
        this.file = file;
        this.slotCount = slotCount;
        this.maxEntries = maxEntries;
        this.beginPhysicalOffset = beginPhysicalOffset;
        this.endPhysicalOffset = beginPhysicalOffset;
    }

    static IndexFile create(StoreFile file, int slotCount, int maxEntries, long beginPhysicalOffset) throws IOException {
        file.truncate(0);
        IndexFile index = new IndexFile(file, slotCount, maxEntries, beginPhysicalOffset);
        index.slots = new int[slotCount];
        file.write(index.header(false), 0);
        return index;
    }

    static IndexFile open(StoreFile file, int slotCount, int maxEntries, long beginPhysicalOffset) throws IOException {
        IndexFile index = new IndexFile(file, slotCount, maxEntries, beginPhysicalOffset);
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        if (file.read(header, 0) == HEADER_SIZE) {
            header.flip();
            index.beginTimestamp = header.getLong();
            index.endTimestamp = header.getLong();
            header.getLong();
            index.endPhysicalOffset = header.getLong();
            index.entryCount = header.getInt();
            index.sealed = header.getInt() == 1;
        }
        if (!index.sealed) {
            index.slots = index.readSlotTable();
        }
        return index;
    }

    synchronized boolean hasRoomFor(int entries) {
        return entryCount + entries <= maxEntries;
    }

    synchronized boolean isSealed() {
        return sealed;
    }

    long beginPhysicalOffset() {
        return beginPhysicalOffset;
    }

    synchronized long endPhysicalOffset() {
        return endPhysicalOffset;
    }

    synchronized boolean overlaps(long fromTimestamp, long toTimestamp) {
        return entryCount > 0 && beginTimestamp <= toTimestamp && endTimestamp >= fromTimestamp;
    }

    /**
     * Adds one key of the record at {@code physicalOffset}.
     *
     * @param recordEnd the offset just past the record, remembered as the indexed end
     */
    synchronized void put(String key, long physicalOffset, long recordEnd, long storeTimestamp) throws IOException {
        if (slots == null) {
            throw new IllegalStateException("index file is sealed");
        }
        if (entryCount == 0) {
            beginTimestamp = storeTimestamp;
        }
        int hash = hash(key);
        int slot = hash % slotCount;
        int previous = slots[slot];
        int number = entryCount + 1;
        int seconds = (int) Math.max(0, (storeTimestamp - beginTimestamp) / 1000);
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE).putInt(hash).putLong(physicalOffset)
                .putInt(seconds).putInt(previous).flip();
        file.write(entry, entryPosition(number));
        slots[slot] = number;
        dirtyPages.set(slot / SLOTS_PER_PAGE);
        entryCount = number;
        endTimestamp = Math.max(endTimestamp, storeTimestamp);
        endPhysicalOffset = Math.max(endPhysicalOffset, recordEnd);
    }

    /** Physical offsets of records whose key hash matches, newest first, within the time range. */
    synchronized void query(String key, long fromTimestamp, long toTimestamp, int max, List<Long> into)
            throws IOException {
        int hash = hash(key);
        int slot = hash % slotCount;
        int number = slots != null ? slots[slot] : readInt(HEADER_SIZE + (long) slot * SLOT_SIZE);
        int steps = 0;
        while (number > 0 && number <= entryCount && into.size() < max && steps++ < maxEntries) {
            ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE);
            file.read(entry, entryPosition(number));
            entry.flip();
            int entryHash = entry.getInt();
            long physical = entry.getLong();
            long time = beginTimestamp + entry.getInt() * 1000L;
            int previous = entry.getInt();
            // Seconds granularity: widen by a second so the caller's exact filter decides.
            if (entryHash == hash && time + 999 >= fromTimestamp && time <= toTimestamp) {
                into.add(physical);
            }
            if (previous >= number) {
                break;                  // a chain only ever points back
            }
            number = previous;
        }
    }

    private long entryPosition(int number) {
        return HEADER_SIZE + (long) slotCount * SLOT_SIZE + (long) (number - 1) * ENTRY_SIZE;
    }

    private int readInt(long position) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4);
        return file.read(buffer, position) == 4 ? buffer.getInt(0) : 0;
    }

    private static int hash(String key) {
        return key.hashCode() & Integer.MAX_VALUE;
    }

    /**
     * Writes the slot-table pages changed so far and forces them with the entries, then records the header (and the
     * seal) for the entries they cover, so it never claims more than is on disk. Sealing drops the in-memory table.
     */
    void flush(boolean seal) throws IOException {
        synchronized (flushLock) {
            List<SlotPage> pages = new ArrayList<>();
            ByteBuffer header;
            synchronized (this) {
                if (slots != null) {
                    for (int page = dirtyPages.nextSetBit(0); page >= 0; page = dirtyPages.nextSetBit(page + 1)) {
                        int from = page * SLOTS_PER_PAGE;
                        int to = Math.min(slotCount, from + SLOTS_PER_PAGE);
                        ByteBuffer copy = ByteBuffer.allocate((to - from) * SLOT_SIZE);
                        copy.asIntBuffer().put(slots, from, to - from);
                        pages.add(new SlotPage(HEADER_SIZE + (long) from * SLOT_SIZE, copy));
                    }
                    dirtyPages.clear();
                }
                header = header(sealed || seal);
            }
            for (SlotPage page : pages) {
                file.write(page.bytes(), page.position());
            }
            file.force();
            file.write(header, 0);
            file.force();
            if (seal) {
                synchronized (this) {
                    sealed = true;
                    slots = null;       // written and forced: queries read the file's from now on
                }
            }
        }
    }

    /** A copy of a changed slot-table page and where it goes in the file. */
    private record SlotPage(long position, ByteBuffer bytes) {
    }

    /** The header as of now (under the lock): times, offsets and the entry count it vouches for. */
    private ByteBuffer header(boolean sealedFlag) {
        return ByteBuffer.allocate(HEADER_SIZE).putLong(beginTimestamp).putLong(endTimestamp)
                .putLong(beginPhysicalOffset).putLong(endPhysicalOffset).putInt(entryCount).putInt(sealedFlag ? 1 : 0)
                .flip();
    }

    /** The slot table as the file holds it (zeros past its end: a file is created empty). */
    private int[] readSlotTable() throws IOException {
        ByteBuffer table = ByteBuffer.allocate(slotCount * SLOT_SIZE);
        file.read(table, HEADER_SIZE);
        int[] table32 = new int[slotCount];
        table.flip();
        table.asIntBuffer().get(table32, 0, table.remaining() / SLOT_SIZE);
        return table32;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
