package io.keelmq.store.log;

import io.keelmq.store.io.StoreFile;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Sequential reads through one segment with a large buffer, for recovery scans. */
final class SegmentReader {
    private static final int DEFAULT_BUFFER = 4 << 20;

    private final StoreFile file;
    private ByteBuffer buffer = ByteBuffer.allocate(DEFAULT_BUFFER);
    private long bufferStart = -1;

    SegmentReader(StoreFile file) {
        this.file = file;
        buffer.limit(0);
    }

    /**
     * The bytes at [position, position + length) as a buffer positioned at 0, or fewer
     * bytes if the file ends first.
     */
    ByteBuffer read(long position, int length) throws IOException {
        boolean cached = bufferStart >= 0 && position >= bufferStart
                && position + length <= bufferStart + buffer.limit();
        if (!cached) {
            if (length > buffer.capacity()) {
                buffer = ByteBuffer.allocate(Math.max(length, DEFAULT_BUFFER));
            }
            buffer.clear();
            file.read(buffer, position);
            buffer.flip();
            bufferStart = position;
        }
        int from = (int) (position - bufferStart);
        int available = Math.min(length, buffer.limit() - from);
        return buffer.slice(from, Math.max(available, 0));
    }
}
