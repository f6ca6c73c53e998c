package io.keelmq.store.timer;

import io.keelmq.store.io.FileLayer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The timer's progress, replaced atomically (60 bytes, big-endian):
 * int magic "TCKP", int version 1, long scan position (start of the next slot to scan: every
 * record due before it was delivered and its delivery was durable), long enqueued (next offset of
 * the timer destination's consume queue to add to the wheel), long timer-log end (meaningful when
 * clean), long maybe-delivered-before (deliveries of slots before this time may already have
 * happened once: the handler is asked to check), int clean (1 after a clean close, 0 while open),
 * long precision (ms) and int slot count of the wheel the files were written with (with other
 * settings they cannot be read: the wheel is rebuilt), int CRC32C of the bytes before it.
 */
record TimerCheckpoint(long scanMillis, long enqueuedQueueOffset, long logEnd, long maybeDeliveredBefore,
                       boolean clean, long precisionMillis, int wheelSlots) {
    private static final int MAGIC = 0x54434B50;
    private static final int VERSION = 1;
    private static final int SIZE = 60;

    /** The checkpoint at {@code path}, or null if there is none. */
    static TimerCheckpoint read(FileLayer layer, Path path) throws IOException {
        byte[] bytes = layer.readAll(path);
        if (bytes == null) {
            return null;
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length != SIZE || in.getInt() != MAGIC || in.getInt() != VERSION) {
            throw new IOException("timer checkpoint " + path + " is not a version-" + VERSION + " timer checkpoint");
        }
        TimerCheckpoint checkpoint = new TimerCheckpoint(in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                in.getInt() == 1, in.getLong(), in.getInt());
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, SIZE - 4);
        if (in.getInt() != (int) crc.getValue()) {
            throw new IOException("timer checkpoint " + path + " fails its CRC");
        }
        return checkpoint;
    }

    /** Whether wheel and log written with these settings can be read with {@code config}. */
    boolean sameWheel(TimerConfig config) {
        return precisionMillis == config.precisionMillis() && wheelSlots == config.wheelSlots();
    }

    void write(FileLayer layer, Path path) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(SIZE);
        out.putInt(MAGIC).putInt(VERSION).putLong(scanMillis).putLong(enqueuedQueueOffset).putLong(logEnd)
                .putLong(maybeDeliveredBefore).putInt(clean ? 1 : 0).putLong(precisionMillis).putInt(wheelSlots);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, SIZE - 4);
        out.putInt((int) crc.getValue());
        layer.writeAtomically(path, out.array());
    }
}
