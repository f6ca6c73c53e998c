package io.keelmq.store.log;

import io.keelmq.store.AppendResult.AppendedRecord;
import io.keelmq.store.RecordLimits;
import io.keelmq.store.StoredMessage;
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
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single append-only sequence of records of every destination, cut into segment
 * files. Offsets are continuous across segments: segment N+1 starts where segment N's
 * capacity ends, and a blank marker fills the unused end of a segment.
 *
 * <p>Appends are serialised by one lock (writes are sequential anyway). Under
 * SYNC_FLUSH each append writes its records to the file before it waits for the force.
 * Under ASYNC_FLUSH appends go to a {@link WriteBuffer} that {@link #commit()} writes out
 * (a committer thread does so continuously): one system call for many records, so the
 * write path costs a memory copy. {@code committedOffset} is where the file's bytes end,
 * {@code writeOffset} where the appended ones do.
 *
 * <p>Once {@link #startPrefill started}, a {@link SegmentPrefiller} keeps the active segment
 * written with zeros {@link #PREFILL_AHEAD} bytes ahead of the records, so that a force after an
 * append writes data only, not a grown file's metadata.
 */
public final class CommitLog implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitLog.class);
    private static final int FIRST_READ = 4096;
    /**
     * Each reading thread's buffer for {@link #readNear}'s runs, reused: a fresh array per run (up to its span,
     * hundreds of KiB) was allocated and zeroed for every run. (A direct buffer, which spares the JDK's copy through
     * its temporary direct buffer, made no difference in the consume profile: decoding copies every field out either
     * way.) Records are decoded out of it, their fields copied, before it is reused.
     */
    private static final ThreadLocal<ByteBuffer> RUN_BUFFER = new ThreadLocal<>();
    /** How far ahead of the records the active segment is filled with zeros; refilled at half. */
    static final int PREFILL_AHEAD = 1 << 20;

    private final Path dir;
    private final int segmentSize;
    private final FileLayer layer;
    private final ConcurrentSkipListMap<Long, Segment> segments = new ConcurrentSkipListMap<>();
    private final ReentrantLock appendLock = new ReentrantLock();
    private final QueueOffsetTable queueOffsets = new QueueOffsetTable();
    private final Object flushLock = new Object();
    private final WriteBuffer writeBuffer;
    private final SegmentPrefiller prefiller = new SegmentPrefiller(this);
    private volatile long writeOffset;
    private volatile long committedOffset;
    private volatile long flushedOffset;
    /** A failed force of a segment by the prefiller: it covered record bytes too, so no later force proves them. */
    private volatile IOException prefillForceFailure;
    private volatile java.util.function.LongPredicate prefillMayUse = bytes -> true;
    private volatile java.util.function.Consumer<IOException> prefillFailed = failure -> { };
    /** Store timestamps never go backwards, so a consume queue can be binary-searched by time. */
    private long lastStoreTimestamp;

    /**
     * @param bufferedWrites ASYNC_FLUSH: collect appends in a write buffer; {@code largestRecord}
     *                       sizes it
     */
    public CommitLog(Path dir, int segmentSize, FileLayer layer, boolean bufferedWrites, int largestRecord) {
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.layer = layer;
        this.writeBuffer = bufferedWrites ? new WriteBuffer(largestRecord) : null;
    }

    /**
     * Opens the segment files in the folder. Positions are unknown until
     * {@link #restoreEnd} or {@link #recover} is called.
     */
    public void load() throws IOException {
        layer.createDirectories(dir);
        List<Long> bases = new ArrayList<>();
        for (Path path : layer.list(dir)) {
            long base = OffsetFileNames.parse(path);
            if (base < 0) {
                LOG.warn("ignoring {} in the commit-log folder: not a segment name", path.getFileName());
                continue;
            }
            bases.add(base);
        }
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            // A segment's capacity is the distance to the next one, so a changed
            // mappedFileSizeCommitLog only applies to segments created from now on.
            int capacity = i + 1 < bases.size() ? (int) (bases.get(i + 1) - base) : segmentSize;
            Path path = OffsetFileNames.in(dir, base);
            segments.put(base, new Segment(base, capacity, path, layer.open(path), capacity));
        }
    }

    /**
     * After a clean shutdown the checkpoint knows exactly where the log ends.
     *
     * @return false if the files do not agree with {@code end}; the caller then recovers
     */
    public boolean restoreEnd(long end) throws IOException {
        if (segments.isEmpty()) {
            writeOffset = committedOffset = flushedOffset = end;
            return true;
        }
        Segment last = segments.lastEntry().getValue();
        int position = (int) (end - last.baseOffset);
        if (end < last.baseOffset || end > last.endOffset() || last.file.size() < Math.min(position, last.capacity - 8)) {
            return false;
        }
        if (end < last.endOffset()) {
            last.file.truncate(position);
        }
        last.writePosition(position);
        writeOffset = committedOffset = flushedOffset = end;
        return true;
    }

    /**
     * After a crash: verifies every record from the start of the segment holding
     * {@code verifyFrom}, stops at the first torn or corrupt one, copies what follows it
     * to {@code quarantineDir} and truncates there.
     */
    public ScanOutcome recover(long verifyFrom, RecordVisitor visitor, Path quarantineDir) throws IOException {
        LogScanner scanner = new LogScanner(segments, layer, quarantineDir);
        ScanOutcome outcome = scanner.scanAndTruncate(verifyFrom, visitor);
        writeOffset = committedOffset = outcome.validEnd();
        // What the previous process wrote may still be only in the page cache.
        Long from = segments.floorKey(outcome.scanStart());
        for (Segment segment : (from == null ? segments : segments.tailMap(from)).values()) {
            segment.file.force();
        }
        flushedOffset = writeOffset;
        return outcome;
    }

    /** Sets the next queue offset of a (destination, partition), from its consume queue. */
    public void setNextQueueOffset(String destination, int partition, long next) {
        appendLock.lock();
        try {
            queueOffsets.set(destination, partition, next);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Writes the records contiguously and in order, assigning physical and queue
     * offsets. On an I/O error nothing of this call counts: positions and queue offsets
     * are put back and the error is thrown.
     */
    public List<AppendedRecord> append(List<EncodedRecord> records, long storeTimestamp,
                                       AppendListener listener) throws IOException {
        appendLock.lock();
        try {
            storeTimestamp = Math.max(storeTimestamp, lastStoreTimestamp);
            lastStoreTimestamp = storeTimestamp;
            List<AppendedRecord> placed = writeBuffer != null ? appendBuffered(records, storeTimestamp)
                    : appendDirect(records, storeTimestamp);
            for (int i = 0; i < records.size(); i++) {
                listener.appended(records.get(i), placed.get(i));
            }
            Segment active = segments.lastEntry().getValue();
            if (active.prefilledTo() - active.writePosition() < PREFILL_AHEAD / 2
                    && active.prefilledTo() < active.capacity) {
                prefiller.wakeUp();
            }
            return placed;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * ASYNC_FLUSH: the batch goes into the write buffer whole. Any I/O (a roll, a full
     * buffer) happens before the first record is placed, so a failure leaves no trace.
     */
    private List<AppendedRecord> appendBuffered(List<EncodedRecord> records, long storeTimestamp) throws IOException {
        int total = 0;
        for (EncodedRecord record : records) {
            total += record.size();
        }
        Segment segment = writableSegment(total);
        if (writeBuffer.remaining() < total) {
            commitLocked();
            writeBuffer.ensureCapacity(total);
        }
        List<AppendedRecord> placed = new ArrayList<>(records.size());
        for (EncodedRecord record : records) {
            long physical = segment.writeOffset();
            long queueOffset = queueOffsets.assign(record.source().destination(), record.source().partition());
            ByteBuffer bytes = record.bytes().duplicate();
            RecordCodec.stamp(bytes, physical, queueOffset, storeTimestamp);
            writeBuffer.put(bytes);
            segment.writePosition(segment.writePosition() + record.size());
            placed.add(new AppendedRecord(physical, record.size(), queueOffset, storeTimestamp));
        }
        writeOffset = segment.writeOffset();
        return placed;
    }

    /** SYNC_FLUSH: each record is written to the file before the append waits for its force. */
    private List<AppendedRecord> appendDirect(List<EncodedRecord> records, long storeTimestamp) throws IOException {
        Segment first = writableSegment(records.get(0).size());
        int firstPosition = first.writePosition();
        List<AppendedRecord> placed = new ArrayList<>(records.size());
        int written = 0;
        try {
            for (EncodedRecord record : records) {
                Segment segment = writableSegment(record.size());
                long physical = segment.writeOffset();
                String destination = record.source().destination();
                int partition = record.source().partition();
                long queueOffset = queueOffsets.assign(destination, partition);
                written++;
                ByteBuffer bytes = record.bytes().duplicate();
                RecordCodec.stamp(bytes, physical, queueOffset, storeTimestamp);
                segment.file.write(bytes, segment.writePosition());
                segment.writePosition(segment.writePosition() + record.size());
                placed.add(new AppendedRecord(physical, record.size(), queueOffset, storeTimestamp));
            }
        } catch (IOException e) {
            undo(records, written, first, firstPosition);
            throw e;
        }
        writeOffset = committedOffset = segments.lastEntry().getValue().writeOffset();
        return placed;
    }

    /**
     * Replication, master side: the bytes from {@code from} that a slave copies next, as they are in the file: whole
     * records of one segment, below the committed offset (never the write buffer or the prefill's zeros). At a
     * segment's blank marker, or where too little is left for one, the answer is empty and says where the next
     * segment starts; at the end of what is written, empty with {@code next == from}.
     *
     * @param maxBytes bytes wanted at most; a single larger record is returned whole all the same
     */
    public RawChunk readRaw(long from, int maxBytes) throws IOException {
        long committed = committedOffset;
        Map.Entry<Long, Segment> entry = segments.floorEntry(from);
        if (entry == null) {
            return new RawChunk(from, ByteBuffer.allocate(0), from);
        }
        Segment segment = entry.getValue();
        if (segment.endOffset() - from < RecordLimits.BLANK_SIZE) {
            return new RawChunk(from, ByteBuffer.allocate(0), segment.endOffset());
        }
        long end = Math.min(segment.endOffset(), committed);
        if (from >= end) {
            return new RawChunk(from, ByteBuffer.allocate(0), from);
        }
        ByteBuffer header = ByteBuffer.allocate(8);
        readFully(segment, header, from);
        if (header.getInt(4) == RecordCodec.BLANK_MAGIC) {
            return new RawChunk(from, ByteBuffer.allocate(0), segment.endOffset());
        }
        int wanted = (int) Math.min(end - from, Math.max(maxBytes, header.getInt(0)));
        ByteBuffer bytes = ByteBuffer.allocate(wanted);
        readFully(segment, bytes, from);
        bytes.flip();
        // Cut after the last whole record: a slave verifies and appends records, never parts of one.
        int cut = 0;
        while (cut + RecordLimits.BLANK_SIZE <= bytes.limit()) {
            int length = bytes.getInt(cut);
            if (bytes.getInt(cut + 4) != RecordCodec.MAGIC || length < RecordCodec.FIXED_HEADER
                    || cut + length > bytes.limit()) {
                break;
            }
            cut += length;
        }
        bytes.limit(cut);
        return new RawChunk(from, bytes, from + cut);
    }

    private static void readFully(Segment segment, ByteBuffer into, long offset) throws IOException {
        while (into.hasRemaining()) {
            int read = segment.file.read(into, offset - segment.baseOffset + into.position());
            if (read <= 0) {
                throw new IOException("segment " + segment.path.getFileName() + " ends before offset "
                        + (offset + into.position()));
            }
        }
    }

    /** What {@link #readRaw} found: {@code records} start at {@code offset}; the next read starts at {@code next}. */
    public record RawChunk(long offset, ByteBuffer records, long next) {
    }

    /**
     * Replication, slave side: writes records the master wrote, unchanged, at the same offset: at the end of the
     * log, or at the start of the next segment (the master rolled; this log seals its active segment as the master
     * did), or, on an empty log, anywhere (the master's oldest segment). The caller has verified each record.
     *
     * @param records     whole records, as {@link #readRaw} gave them
     * @param placed      per record, its (destination, partition) and queue offset, to continue the numbering
     * @return the end offset of what is now written
     */
    public long appendReplica(long offset, ByteBuffer records, List<ReplicaRecord> placed) throws IOException {
        appendLock.lock();
        try {
            commitLocked();
            Map.Entry<Long, Segment> last = segments.lastEntry();
            Segment segment = last == null ? null : last.getValue();
            if (offset != writeOffset || segment == null) {
                if (segment != null && offset == segment.endOffset()) {
                    segment.seal();
                } else if (segment != null || offset != writeOffset && writeOffset != 0) {
                    throw new IOException("replica gap: the master sent offset " + offset + " but this log ends at "
                            + writeOffset);
                }
                Path path = OffsetFileNames.in(dir, offset);
                StoreFile file = layer.open(path);
                file.truncate(0);
                segment = new Segment(offset, segmentSize, path, file, 0);
                segments.put(offset, segment);
            }
            if (!segment.fits(records.remaining())) {
                throw new IOException("replica records of " + records.remaining() + " bytes at offset " + offset
                        + " do not fit segment " + segment.path.getFileName() + " (mappedFileSizeCommitLog differs?)");
            }
            int size = records.remaining();
            segment.file.write(records.duplicate(), segment.writePosition());
            segment.writePosition(segment.writePosition() + size);
            for (ReplicaRecord record : placed) {
                queueOffsets.set(record.destination(), record.partition(), record.queueOffset() + 1);
                lastStoreTimestamp = Math.max(lastStoreTimestamp, record.storeTimestamp());
            }
            writeOffset = committedOffset = segment.writeOffset();
            return writeOffset;
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Replication: cuts the log at {@code offset} (a record boundary or a segment's base), moving every byte after it
     * to {@code quarantineDir} first (see {@link LogScanner}), and continues from there. Also right after
     * {@link #load()}, before the positions are known (the crash recovery of an interrupted truncation).
     */
    public void truncateTo(long offset, Path quarantineDir) throws IOException {
        appendLock.lock();
        try {
            commitLocked();
            Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
            if (entry == null) {
                return;
            }
            Segment segment = entry.getValue();
            int position = (int) Math.min(offset - segment.baseOffset, segment.capacity);
            long cut = new LogScanner(segments, layer, quarantineDir).cutAfter(segment, position);
            segment.writePosition(position);
            segment.prefilledTo(position);
            writeOffset = committedOffset = flushedOffset = offset;
            LOG.warn("commit log cut at offset {}: {} bytes after it moved to {}", offset, cut, quarantineDir);
        } finally {
            appendLock.unlock();
        }
    }

    /** Where a replicated record continues its queue's numbering. */
    public record ReplicaRecord(String destination, int partition, long queueOffset, long storeTimestamp) {
    }

    /** Writes the buffered appends to the file; called with the append lock held. */
    private void commitLocked() throws IOException {
        if (writeBuffer == null || !writeBuffer.hasData()) {
            return;
        }
        Segment active = segments.lastEntry().getValue();
        try {
            committedOffset += writeBuffer.writeTo(active.file, committedOffset - active.baseOffset);
        } catch (IOException e) {
            throw new WriteFailedException(e);
        }
    }

    /**
     * Writes what is buffered to the file (where a crash of the process no longer loses
     * it).
     *
     * @return the offset up to which the file now holds every appended record
     */
    public long commit() throws IOException {
        if (writeBuffer == null) {
            return committedOffset;
        }
        appendLock.lock();
        try {
            commitLocked();
            return committedOffset;
        } finally {
            appendLock.unlock();
        }
    }

    public boolean hasUncommitted() {
        return committedOffset < writeOffset;
    }

    public long committedOffset() {
        return committedOffset;
    }

    private void undo(List<EncodedRecord> records, int assigned, Segment first, int firstPosition) {
        committedOffset = writeOffset;
        for (int i = 0; i < assigned; i++) {
            queueOffsets.release(records.get(i).source().destination(), records.get(i).source().partition());
        }
        // Drop segments this call rolled to, and cut the first one back so that no
        // half-written record outlives the failed call.
        for (Segment later : new ArrayList<>(segments.tailMap(first.baseOffset, false).values())) {
            segments.remove(later.baseOffset);
            closeQuietly(later.file);
            try {
                layer.delete(later.path);
            } catch (IOException ignored) {
                // Recovery would discard it anyway: it holds no acknowledged record.
            }
        }
        first.writePosition(firstPosition);
        first.prefilledTo(firstPosition);
        try {
            first.file.truncate(firstPosition);
        } catch (IOException ignored) {
            // Same: the bytes past firstPosition are overwritten by the next append.
        }
    }

    private Segment writableSegment(int recordSize) throws IOException {
        Map.Entry<Long, Segment> last = segments.lastEntry();
        if (last != null && last.getValue().fits(recordSize)) {
            return last.getValue();
        }
        long base = 0;
        if (last != null) {
            commitLocked();                         // the buffered tail belongs to this segment
            last.getValue().seal();
            base = last.getValue().endOffset();
            committedOffset = base;
        } else if (writeOffset > 0) {
            base = writeOffset;
        }
        Path path = OffsetFileNames.in(dir, base);
        StoreFile file = layer.open(path);
        file.truncate(0);
        Segment segment = new Segment(base, segmentSize, path, file, 0);
        segments.put(base, segment);
        LOG.debug("commit log rolled to segment {}", path.getFileName());
        return segment;
    }

    /**
     * Starts keeping the active segment prefilled; {@link #close()} stops it.
     *
     * @param mayUse asked before each chunk of zeros with its size: false while the disk is too full for it, so
     *               the zeros never take the space kept for consume queues, index and acknowledgements (records
     *               written past the window extend the file themselves)
     * @param failed told when a chunk could not be written or forced: the disk may be full before the records
     *               need the space, so the caller can look at once
     */
    public void startPrefill(java.util.function.LongPredicate mayUse, java.util.function.Consumer<IOException> failed) {
        this.prefillMayUse = mayUse;
        this.prefillFailed = failed;
        prefiller.start();
    }

    /** The prefiller could not write or force its zeros. */
    void prefillFailed(IOException failure) {
        prefillFailed.accept(failure);
    }

    /**
     * Writes the next chunk of zeros of the active segment's window, under the append lock so that
     * no record is being written there meanwhile: zeros only ever go past the last record.
     *
     * @return the segment written to, or null once the window is full
     */
    Segment prefillChunk(ByteBuffer zeros) throws IOException {
        appendLock.lock();
        try {
            Map.Entry<Long, Segment> last = segments.lastEntry();
            if (last == null) {
                return null;
            }
            Segment segment = last.getValue();
            long from = Math.max(segment.prefilledTo(), segment.writePosition());
            long to = Math.min(Math.min(segment.capacity, (long) segment.writePosition() + PREFILL_AHEAD),
                    from + zeros.capacity());
            if (from >= to || !prefillMayUse.test(to - from)) {
                return null;
            }
            zeros.clear().limit((int) (to - from));
            segment.file.write(zeros, from);
            segment.prefilledTo((int) to);
            return segment;
        } finally {
            appendLock.unlock();
        }
    }

    /** Forces a segment the prefiller wrote to, unless it is no longer part of the log. */
    void forcePrefilled(Segment segment) throws IOException {
        if (segments.get(segment.baseOffset) == segment) {
            try {
                segment.file.force();
            } catch (IOException e) {
                // An fsync of the segment covers the records written before the zeros: after it failed the kernel
                // may have dropped their pages, and the next force may succeed all the same. So it fails the log's
                // next force too, which makes the failure final (see GroupCommitFlusher).
                prefillForceFailure = e;
                throw e;
            }
        }
    }

    /** Reads and verifies the record at {@code physicalOffset}; null if nothing is stored there. */
    public StoredMessage read(long physicalOffset) throws IOException {
        if (physicalOffset >= writeOffset) {
            return null;
        }
        if (physicalOffset >= committedOffset) {
            commit();                               // a reader asking for its own fresh append
        }
        Map.Entry<Long, Segment> entry = segments.floorEntry(physicalOffset);
        if (entry == null) {
            return null;
        }
        Segment segment = entry.getValue();
        long position = physicalOffset - segment.baseOffset;
        ByteBuffer buffer = ByteBuffer.allocate(FIRST_READ);
        int read = segment.file.read(buffer, position);
        if (read < RecordCodec.FIXED_HEADER) {
            throw new CorruptRecordException(physicalOffset, "only " + read + " bytes readable");
        }
        int length = buffer.getInt(0);
        if (length < RecordCodec.FIXED_HEADER || position + length > segment.capacity) {
            throw new CorruptRecordException(physicalOffset, "bad length " + length);
        }
        if (length > read) {
            ByteBuffer whole = ByteBuffer.allocate(length);
            buffer.flip();
            whole.put(buffer);
            segment.file.read(whole, position + read);
            if (whole.hasRemaining()) {
                throw new CorruptRecordException(physicalOffset, "record of " + length + " bytes is cut short");
            }
            buffer = whole;
        }
        buffer.position(0).limit(length);
        return RecordCodec.decode(buffer, physicalOffset);
    }

    /**
     * The records at {@code offsets} (ascending; {@code sizes[i]} is the length the consume queue gives each), like
     * {@link #read(long)} each, but records lying within {@code maxSpan} bytes of each other in one segment are read
     * with one positional read instead of one each: a consumer's batch of a backlog is mostly such a run. A record the
     * run does not hold whole (a short read, a length that disagrees) is read alone, which reports what is wrong.
     *
     * @return per offset its record, or null where nothing is stored
     */
    public StoredMessage[] readNear(long[] offsets, int[] sizes, int maxSpan) throws IOException {
        StoredMessage[] records = new StoredMessage[offsets.length];
        int i = 0;
        while (i < offsets.length) {
            long start = offsets[i];
            long written = writeOffset;
            Map.Entry<Long, Segment> entry = start < written ? segments.floorEntry(start) : null;
            if (entry == null) {
                i++;
                continue;
            }
            Segment segment = entry.getValue();
            long segmentEnd = Math.min(segment.baseOffset + segment.capacity, written);
            long end = start;
            int next = i;
            while (next < offsets.length && offsets[next] >= start && sizes[next] > 0
                    && offsets[next] + sizes[next] <= segmentEnd && offsets[next] + sizes[next] - start <= maxSpan) {
                end = Math.max(end, offsets[next] + sizes[next]);
                next++;
            }
            if (next - i < 2) {
                records[i] = read(start);
                i++;
                continue;
            }
            if (end > committedOffset) {
                commit();
            }
            ByteBuffer run = runBuffer((int) (end - start));
            segment.file.read(run, start - segment.baseOffset);
            int filled = run.position();
            for (int k = i; k < next; k++) {
                int at = (int) (offsets[k] - start);
                int length = at + RecordCodec.FIXED_HEADER <= filled ? run.getInt(at) : -1;
                if (length != sizes[k] || at + length > filled) {
                    records[k] = read(offsets[k]);
                    continue;
                }
                ByteBuffer record = run.duplicate();
                record.limit(at + length).position(at);
                records[k] = RecordCodec.decode(record, offsets[k]);
            }
            i = next;
        }
        return records;
    }

    /** This thread's run buffer, cleared and limited to {@code length} bytes (see {@link #RUN_BUFFER}). */
    private static ByteBuffer runBuffer(int length) {
        ByteBuffer buffer = RUN_BUFFER.get();
        if (buffer == null || buffer.capacity() < length) {
            buffer = ByteBuffer.allocate(Math.max(length, 64 << 10));
            RUN_BUFFER.set(buffer);
        }
        return buffer.clear().limit(length);
    }

    /**
     * Forces every segment holding unflushed bytes.
     *
     * @return the offset up to which the log is now durable
     */
    public long flush() throws IOException {
        synchronized (flushLock) {
            // A failed write of buffered appends does not stop the force of what the file has.
            WriteFailedException writeFailure = null;
            long target;
            try {
                target = commit();
            } catch (WriteFailedException e) {
                writeFailure = e;
                target = committedOffset;
            }
            forceUpTo(target);
            if (writeFailure != null) {
                throw writeFailure;
            }
            return flushedOffset;
        }
    }

    /** Forces every segment holding bytes between the flushed offset and {@code target}. */
    private void forceUpTo(long target) throws IOException {
        IOException earlier = prefillForceFailure;
        if (earlier != null) {
            throw new IOException("an earlier force of the commit log (by the prefill) failed: " + earlier.getMessage(),
                    earlier);
        }
        if (target <= flushedOffset) {
            return;
        }
        Long from = segments.floorKey(flushedOffset);
        for (Segment segment : segments.tailMap(from == null ? 0L : from).values()) {
            if (segment.baseOffset < target) {
                segment.file.force();
            }
        }
        flushedOffset = target;
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    public long writeOffset() {
        return writeOffset;
    }

    public long flushedOffset() {
        return flushedOffset;
    }

    /** The lowest offset still stored (records below it were deleted by retention). */
    public long minOffset() {
        Map.Entry<Long, Segment> first = segments.firstEntry();
        return first == null ? writeOffset : first.getKey();
    }

    /** Segments other than the one being written, oldest first. */
    public List<SegmentInfo> sealedSegments() throws IOException {
        List<SegmentInfo> sealed = new ArrayList<>();
        Map.Entry<Long, Segment> last = segments.lastEntry();
        for (Segment segment : segments.values()) {
            if (last != null && segment == last.getValue()) {
                break;
            }
            sealed.add(new SegmentInfo(segment.baseOffset, segment.endOffset(), layer.lastModified(segment.path)));
        }
        return sealed;
    }

    /** A sealed segment as retention sees it. */
    public record SegmentInfo(long baseOffset, long endOffset, long lastModifiedMillis) {
    }

    /** Deletes the oldest segment, which must be sealed. */
    public void deleteOldest(long baseOffset) throws IOException {
        Map.Entry<Long, Segment> first = segments.firstEntry();
        if (first == null || first.getKey() != baseOffset || segments.size() < 2) {
            throw new IllegalStateException("segment " + baseOffset + " is not the oldest sealed segment");
        }
        segments.remove(baseOffset);
        closeQuietly(first.getValue().file);
        layer.delete(first.getValue().path);
        LOG.info("retention deleted commit-log segment {}", first.getValue().path.getFileName());
    }

    /** Visits the valid records in [from, to), for rebuilding consume queues and index. */
    public void replay(long from, long to, RecordVisitor visitor) throws IOException {
        long offset = Math.max(from, minOffset());
        while (offset < to) {
            Map.Entry<Long, Segment> entry = segments.floorEntry(offset);
            if (entry == null) {
                return;
            }
            Segment segment = entry.getValue();
            if (offset + RecordLimits.BLANK_SIZE > segment.endOffset()) {
                offset = segment.endOffset();
                continue;
            }
            ByteBuffer header = ByteBuffer.allocate(8);
            segment.file.read(header, offset - segment.baseOffset);
            if (header.getInt(4) == RecordCodec.BLANK_MAGIC) {
                offset = segment.endOffset();
                continue;
            }
            StoredMessage message = read(offset);
            visitor.visit(message);
            offset += message.size();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            prefiller.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Segment segment : segments.values()) {
            closeQuietly(segment.file);
        }
        segments.clear();
    }

    private static void closeQuietly(StoreFile file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // Closing cannot lose data that force() has not already made durable.
        }
    }
}
