package io.keelmq.server.testing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulated small file system's usage, which DiskFullJmsTest's brokers read while they write. */
class SizeLimitedFileLayerTest {

    @Test
    void usageIsReadWhileFilesComeAndGo(@TempDir Path root) throws Exception {
        SizeLimitedFileLayer layer = new SizeLimitedFileLayer(root, 1 << 20, SizeLimitedFileLayer.Mode.FORCE_FAILS);
        Files.write(root.resolve("kept"), new byte[1000]);
        AtomicBoolean running = new AtomicBoolean(true);
        // What a broker's checkpoint does: a temporary file written, then renamed over the real one.
        Thread churn = new Thread(() -> {
            try {
                while (running.get()) {
                    Path tmp = Files.write(root.resolve("checkpoint.tmp"), new byte[10]);
                    Files.move(tmp, root.resolve("checkpoint"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        churn.start();
        try {
            long end = System.nanoTime() + 1_000_000_000L;
            int reads = 0;
            while (System.nanoTime() < end) {
                long used = layer.usedBytes();
                assertTrue(used >= 1000 && used <= 1020, "usage " + used);
                reads++;
            }
            assertTrue(reads > 0);
        } finally {
            running.set(false);
            churn.join(10_000);
        }
        assertEquals(1010, layer.usedBytes());
    }
}
