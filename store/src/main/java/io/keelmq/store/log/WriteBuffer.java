package io.keelmq.store.log;

import io.keelmq.store.io.StoreFile;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * ASYNC_FLUSH appends land here and reach the file in large writes, rather than one
 * system call per record. What a failed write leaves is kept for the next attempt:
 * acknowledged records are never dropped while the process lives.
 */
final class WriteBuffer {
    private static final int DEFAULT_CAPACITY = 1 << 20;

    private ByteBuffer buffer;

    WriteBuffer(int largestRecord) {
        buffer = ByteBuffer.allocateDirect(Math.max(DEFAULT_CAPACITY, largestRecord));
    }

    boolean hasData() {
        return buffer.position() > 0;
    }

    int remaining() {
        return buffer.remaining();
    }

    /** Grows an empty buffer so that {@code bytes} fit (a batch larger than the buffer). */
    void ensureCapacity(int bytes) {
        if (buffer.capacity() < bytes && buffer.position() == 0) {
            buffer = ByteBuffer.allocateDirect(bytes);
        }
    }

    void put(ByteBuffer record) {
        buffer.put(record);
    }

    /**
     * Writes everything buffered at {@code position} of {@code file} and empties the
     * buffer; on failure the buffer is unchanged, so the same write can be retried.
     *
     * @return bytes written
     */
    int writeTo(StoreFile file, long position) throws IOException {
        ByteBuffer pending = buffer.duplicate().flip();
        int length = pending.remaining();
        file.write(pending, position);
        buffer.clear();
        return length;
    }
}
