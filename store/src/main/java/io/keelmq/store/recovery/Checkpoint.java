package io.keelmq.store.recovery;

import io.keelmq.store.io.FileLayer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * What is known durable, written atomically (write, force, rename) after the things it
 * names were forced.
 *
 * @param commitLogFlushedOffset the commit log is durable below this offset
 * @param dispatchedOffset       consume queues and index are durable for records below this offset
 * @param cleanLogEnd            on a clean shutdown, the exact end of the log; -1 while running
 */
public record Checkpoint(long commitLogFlushedOffset, long dispatchedOffset, long cleanLogEnd, long timestamp) {
    private static final int MAGIC = 0x4B43504B;   // "KCPK"
    private static final int SIZE = 4 + 8 * 4 + 4;

    public static final Checkpoint EMPTY = new Checkpoint(0, 0, -1, 0);

    /** The checkpoint in {@code path}, or null if there is none or it does not verify. */
    public static Checkpoint read(FileLayer layer, Path path) throws IOException {
        byte[] bytes = layer.readAll(path);
        if (bytes == null || bytes.length != SIZE) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (in.getInt() != MAGIC) {
            return null;
        }
        Checkpoint checkpoint = new Checkpoint(in.getLong(), in.getLong(), in.getLong(), in.getLong());
        int crc = in.getInt();
        return crc == crc(bytes) ? checkpoint : null;
    }

    public void write(FileLayer layer, Path path) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(SIZE).putInt(MAGIC).putLong(commitLogFlushedOffset)
                .putLong(dispatchedOffset).putLong(cleanLogEnd).putLong(timestamp);
        out.putInt(crc(out.array()));
        layer.writeAtomically(path, out.array());
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        return (int) crc.getValue();
    }
}
