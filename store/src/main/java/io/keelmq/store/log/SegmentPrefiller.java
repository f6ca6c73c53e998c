package io.keelmq.store.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the active commit-log segment written with zeros, and forced, a little ahead of its records.
 *
 * <p>Why: on ext4 a force of a file that has grown must also write the file's new size and block
 * allocation. Measured on the build machine (virtio disk, {@code dd oflag=dsync}), a 1 KiB write and
 * force cost about 170 us of CPU and 680 us of wall time when the write extends the file, and about
 * 90 us and 340 us when it lands on blocks already written. Under SYNC_FLUSH every group commit is
 * such a force, so writing records over prefilled zeros halves the cost of the commit that every
 * send waits for. {@code fallocate} does not help: its extents are "unwritten" and converting them
 * is again a metadata update. ActiveMQ Artemis fills its journal files with zeros for the same reason.
 *
 * <p>Only a window ahead of the write position is filled, not the whole segment: the disk holds
 * at most {@link CommitLog#PREFILL_AHEAD} bytes more than the records, a full disk still shows up
 * when the records need the space, and crash recovery reads at most that much of a zero tail (it
 * recognises zeros as "never written", see {@link LogScanner}). The filling is an optimisation
 * only: records written past the window extend the file as before, just with slower forces.
 */
final class SegmentPrefiller implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentPrefiller.class);
    /** Zeros written per hold of the append lock: a memory copy into the page cache of ~0.1 ms. */
    static final int CHUNK = 256 * 1024;
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long ERROR_PAUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final CommitLog log;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(CHUNK);
    private volatile boolean running = true;
    private volatile Thread thread;
    private boolean failing;

    SegmentPrefiller(CommitLog log) {
        this.log = log;
    }

    void start() {
        Thread t = new Thread(this, "keel-store-prefill");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** The active segment's window is running out; cheap enough to call on every append. */
    void wakeUp() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                fillWindow();
                if (failing) {
                    LOG.info("commit-log prefill works again");
                    failing = false;
                }
                LockSupport.parkNanos(this, IDLE_PARK_NANOS);
            } catch (IOException | RuntimeException e) {
                if (e instanceof IOException io) {
                    log.prefillFailed(io);
                }
                if (!failing) {
                    // Appends carry on and extend the file themselves; only their forces are slower.
                    LOG.warn("commit-log prefill failed (appends continue without it): {}", e.toString());
                    failing = true;
                }
                LockSupport.parkNanos(this, ERROR_PAUSE_NANOS);
            }
        }
    }

    /** Fills the window chunk by chunk, then forces what it wrote, so the size is on disk before records come. */
    private void fillWindow() throws IOException {
        Set<Segment> filled = new LinkedHashSet<>(2);
        Segment segment;
        while (running && (segment = log.prefillChunk(zeros)) != null) {
            filled.add(segment);
        }
        for (Segment s : filled) {
            log.forcePrefilled(s);
        }
    }

    void shutdown() throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }
}
