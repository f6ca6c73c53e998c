package io.keelmq.store.io;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One open data file of the store. Positional reads and writes only, so that the
 * commit log, consume queues and index never depend on a shared file pointer.
 *
 * <p>Durability contract: bytes written are visible to later reads at once, but are
 * only guaranteed to survive a power loss once {@link #force()} has returned.
 */
public interface StoreFile extends Closeable {

    /** Writes all remaining bytes of {@code src} at {@code position}. */
    void write(ByteBuffer src, long position) throws IOException;

    /**
     * Reads into {@code dst} from {@code position} until {@code dst} is full or the end
     * of the file is reached.
     *
     * @return bytes read; fewer than requested means the file ended
     */
    int read(ByteBuffer dst, long position) throws IOException;

    long size() throws IOException;

    /** Cuts the file to {@code size} bytes; no-op if it is already shorter. */
    void truncate(long size) throws IOException;

    /** Makes every byte written so far durable. */
    void force() throws IOException;
}
