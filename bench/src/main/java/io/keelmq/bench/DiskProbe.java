package io.keelmq.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The raw limit of the disk the brokers write to, measured in the same run and the same directory: how
 * many 1 KiB write + force cycles it does per second (no broker can answer more synchronous sends per
 * second than that without batching several into one force), and the bandwidth of 1 MiB writes each
 * forced (what group commit can reach at best). {@code force(false)} is fdatasync, what both brokers use.
 * Writes append to a new file, as a log does.
 */
public final class DiskProbe {
    /** @param forcesPerSecond 1 KiB write + force cycles per second; {@code megabytesPerSecond} 1 MiB + force */
    public record Result(Path directory, double forcesPerSecond, double megabytesPerSecond) {
        /** The mean time of one small write + force, which Artemis's create command uses as journal-buffer-timeout. */
        public long nanosPerForce() {
            return forcesPerSecond > 0 ? Math.round(1e9 / forcesPerSecond) : 0;
        }
    }

    private DiskProbe() {
    }

    public static Result measure(Path directory, Duration each) throws IOException {
        Files.createDirectories(directory);
        double forces = cyclesPerSecond(directory, 1024, each);
        double bandwidth = cyclesPerSecond(directory, 1 << 20, each) * (1 << 20) / 1e6;
        return new Result(directory, forces, bandwidth);
    }

    private static double cyclesPerSecond(Path directory, int size, Duration duration) throws IOException {
        Path file = Files.createTempFile(directory, "keel-bench-disk-", ".tmp");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer block = ByteBuffer.allocateDirect(size);
            for (int i = 0; i < size; i++) {
                block.put(i, (byte) i);
            }
            long start = System.nanoTime();
            long end = start + duration.toNanos();
            long cycles = 0;
            long now;
            do {
                block.clear();
                while (block.hasRemaining()) {
                    channel.write(block);
                }
                channel.force(false);
                cycles++;
                now = System.nanoTime();
            } while (now < end);
            return cycles / ((now - start) / 1e9);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
