package io.keelmq.store.index;

import io.keelmq.store.io.StoreFile;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
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
 */
final class IndexFile implements Closeable {
    static final int HEADER_SIZE = 40;
    static final int SLOT_SIZE = 4;
    static final int ENTRY_SIZE = 20;

    private final StoreFile file;
    private final int slotCount;
    private final int maxEntries;
    private final long beginPhysicalOffset;
    private long beginTimestamp;
    private long endTimestamp;
    private long endPhysicalOffset;
    private int entryCount;
    private boolean sealed;

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
        index.writeHeader();
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
        if (entryCount == 0) {
            beginTimestamp = storeTimestamp;
        }
        int hash = hash(key);
        long slotPosition = HEADER_SIZE + (long) (hash % slotCount) * SLOT_SIZE;
        int previous = readInt(slotPosition);
        int number = entryCount + 1;
        int seconds = (int) Math.max(0, (storeTimestamp - beginTimestamp) / 1000);
        ByteBuffer entry = ByteBuffer.allocate(ENTRY_SIZE).putInt(hash).putLong(physicalOffset)
                .putInt(seconds).putInt(previous).flip();
        file.write(entry, entryPosition(number));
        file.write(ByteBuffer.allocate(SLOT_SIZE).putInt(number).flip(), slotPosition);
        entryCount = number;
        endTimestamp = Math.max(endTimestamp, storeTimestamp);
        endPhysicalOffset = Math.max(endPhysicalOffset, recordEnd);
    }

    /** Physical offsets of records whose key hash matches, newest first, within the time range. */
    synchronized void query(String key, long fromTimestamp, long toTimestamp, int max, List<Long> into)
            throws IOException {
        int hash = hash(key);
        int number = readInt(HEADER_SIZE + (long) (hash % slotCount) * SLOT_SIZE);
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

    /** Forces entries, then records the header (and the seal) so it never claims more than is on disk. */
    synchronized void flush(boolean seal) throws IOException {
        file.force();
        sealed = sealed || seal;
        writeHeader();
        file.force();
    }

    private void writeHeader() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).putLong(beginTimestamp).putLong(endTimestamp)
                .putLong(beginPhysicalOffset).putLong(endPhysicalOffset).putInt(entryCount).putInt(sealed ? 1 : 0)
                .flip();
        file.write(header, 0);
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
