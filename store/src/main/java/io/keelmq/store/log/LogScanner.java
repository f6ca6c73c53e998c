package io.keelmq.store.log;

import io.keelmq.store.RecordLimits;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.OffsetFileNames;
import io.keelmq.store.io.StoreFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/**
 * Crash recovery of the commit log: walks the records from a starting segment,
 * verifying each CRC, and cuts the log at the first record that is torn (cut short),
 * corrupt (bad length, magic, offset or CRC) or missing (a segment that ends without
 * its blank marker while later segments exist). The bytes cut off are copied to the
 * quarantine folder first, so nothing is destroyed that an operator might salvage.
 *
 * <p>Zeros where a record header would be mean "never written": the active segment is
 * filled with zeros ahead of its records ({@link SegmentPrefiller}). Such a zero tail is
 * dropped without a copy and without a warning; of a cut tail that is not all zeros, the
 * copy ends at its last non-zero byte.
 */
final class LogScanner {
    private static final Logger LOG = LoggerFactory.getLogger(LogScanner.class);

    private final NavigableMap<Long, Segment> segments;
    private final FileLayer layer;
    private final Path quarantineDir;

    LogScanner(NavigableMap<Long, Segment> segments, FileLayer layer, Path quarantineDir) {
        this.segments = segments;
        this.layer = layer;
        this.quarantineDir = quarantineDir;
    }

    ScanOutcome scanAndTruncate(long verifyFrom, RecordVisitor visitor) throws IOException {
        if (segments.isEmpty()) {
            return new ScanOutcome(0, 0, 0, null, 0);
        }
        Long startKey = segments.floorKey(verifyFrom);
        if (startKey == null) {
            startKey = segments.firstKey();
        }
        long verified = 0;
        String problem = null;
        Segment endSegment = null;
        int endPosition = 0;
        for (Segment segment : segments.tailMap(startKey, true).values()) {
            SegmentReader reader = new SegmentReader(segment.file);
            int position = 0;
            boolean sealed = false;
            while (true) {
                if (segment.capacity - position < RecordLimits.BLANK_SIZE) {
                    sealed = true;
                    break;
                }
                ByteBuffer header = reader.read(position, 8);
                if (header.remaining() < 8) {
                    break;                      // the file ends here
                }
                int length = header.getInt(0);
                int magic = header.getInt(4);
                if (magic == RecordCodec.BLANK_MAGIC && position + (long) length == segment.capacity) {
                    sealed = true;
                    break;
                }
                if (length == 0 && magic == 0) {
                    break;                      // never written: end of data
                }
                long offset = segment.baseOffset + position;
                if (magic != RecordCodec.MAGIC) {
                    problem = "corrupt record at offset " + offset + ": bad magic 0x" + Integer.toHexString(magic);
                    break;
                }
                if (length < RecordCodec.FIXED_HEADER || position + (long) length > segment.capacity) {
                    problem = "corrupt record at offset " + offset + ": bad length " + length;
                    break;
                }
                ByteBuffer record = reader.read(position, length);
                if (record.remaining() < length) {
                    problem = "torn record at offset " + offset + ": " + record.remaining() + " of " + length
                            + " bytes present";
                    break;
                }
                try {
                    visitor.visit(RecordCodec.decode(record, offset));
                } catch (CorruptRecordException e) {
                    problem = e.getMessage();
                    break;
                }
                verified++;
                position += length;
            }
            segment.writePosition(sealed ? segment.capacity : position);
            if (!sealed) {
                endSegment = segment;
                endPosition = position;
                break;
            }
        }
        if (endSegment == null) {
            // Every segment ended with its blank marker: the log ends at the last one's end.
            Segment last = segments.lastEntry().getValue();
            return new ScanOutcome(segments.get(startKey).baseOffset, last.endOffset(), verified, null, 0);
        }
        long validEnd = endSegment.baseOffset + endPosition;
        long discarded = cutAfter(endSegment, endPosition);
        if (problem == null && discarded > 0) {
            problem = "unterminated tail at offset " + validEnd + " (" + discarded + " bytes after the last valid record)";
        }
        if (problem != null) {
            LOG.warn("commit-log recovery: {}; kept everything before offset {}, moved {} bytes to {}",
                    problem, validEnd, discarded, quarantineDir);
        }
        return new ScanOutcome(segments.get(startKey).baseOffset, validEnd, verified, problem, discarded);
    }

    /** Quarantines and removes everything after {@code position} of {@code segment}. */
    long cutAfter(Segment segment, int position) throws IOException {
        long discarded = 0;
        long size = segment.file.size();
        if (size > position) {
            long tail = nonZeroLength(segment.file, position, size);
            if (tail > 0) {
                discarded += quarantine(segment.file, position, tail, segment.baseOffset + position);
            }
            segment.file.truncate(position);
            segment.file.force();
        }
        List<Segment> later = new ArrayList<>(segments.tailMap(segment.baseOffset, false).values());
        for (Segment next : later) {
            long tail = nonZeroLength(next.file, 0, next.file.size());
            if (tail > 0) {
                discarded += quarantine(next.file, 0, tail, next.baseOffset);
            }
            segments.remove(next.baseOffset);
            next.file.close();
            layer.delete(next.path);
        }
        return discarded;
    }

    /** The length of {@code [from, end)} up to its last non-zero byte: 0 if it is all zeros. */
    private static long nonZeroLength(StoreFile file, long from, long end) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        long lastNonZero = -1;
        for (long at = from; at < end; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
            int n = file.read(chunk, at);
            if (n <= 0) {
                break;
            }
            for (int i = n - 1; i >= 0; i--) {
                if (chunk.get(i) != 0) {
                    lastNonZero = at + i;
                    break;
                }
            }
            at += n;
        }
        return lastNonZero < 0 ? 0 : lastNonZero + 1 - from;
    }

    private long quarantine(StoreFile source, long from, long length, long offset) throws IOException {
        layer.createDirectories(quarantineDir);
        Path target = quarantineDir.resolve("commitlog-" + OffsetFileNames.name(offset) + "-" + System.currentTimeMillis());
        try (StoreFile out = layer.open(target)) {
            ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
            long copied = 0;
            while (copied < length) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), length - copied));
                int n = source.read(chunk, from + copied);
                if (n <= 0) {
                    break;
                }
                chunk.flip();
                out.write(chunk, copied);
                copied += n;
            }
            out.force();
        }
        return length;
    }
}
