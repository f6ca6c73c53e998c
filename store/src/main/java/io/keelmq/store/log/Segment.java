package io.keelmq.store.log;

import io.keelmq.store.RecordLimits;
import io.keelmq.store.io.StoreFile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One commit-log file: records from {@code baseOffset} to {@code baseOffset + capacity}.
 * The file is named by its base offset in 20 digits so that names sort as offsets do.
 * It is written with channel writes, never mapped, so a full disk shows up as an I/O
 * error on write instead of a crash on a mapped page. While the segment is active its
 * file holds zeros a window ahead of the records ({@link SegmentPrefiller}).
 */
final class Segment {
    final long baseOffset;
    final int capacity;
    final Path path;
    final StoreFile file;
    /** Bytes of valid records (and a final blank marker); written under the append lock. */
    private volatile int writePosition;
    /** The file holds zeros (or records) up to here; written under the append lock. */
    private volatile int prefilledTo;

    Segment(long baseOffset, int capacity, Path path, StoreFile file, int writePosition) {
        this.baseOffset = baseOffset;
        this.capacity = capacity;
        this.path = path;
        this.file = file;
        this.writePosition = writePosition;
    }

    int writePosition() {
        return writePosition;
    }

    void writePosition(int position) {
        this.writePosition = position;
    }

    int prefilledTo() {
        return prefilledTo;
    }

    void prefilledTo(int position) {
        this.prefilledTo = position;
    }

    long writeOffset() {
        return baseOffset + writePosition;
    }

    long endOffset() {
        return baseOffset + capacity;
    }

    boolean fits(int recordSize) {
        return writePosition + (long) recordSize <= capacity;
    }

    /**
     * Closes the segment for writing: the rest of it is marked blank so that a reader
     * knows to continue in the next file rather than take the gap for a torn tail.
     */
    void seal() throws IOException {
        int remaining = capacity - writePosition;
        if (remaining >= RecordLimits.BLANK_SIZE) {
            ByteBuffer blank = ByteBuffer.allocate(8).putInt(remaining).putInt(RecordCodec.BLANK_MAGIC).flip();
            file.write(blank, writePosition);
        }
        writePosition = capacity;
    }
}
