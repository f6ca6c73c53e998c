package io.keelmq.store.retention;

import io.keelmq.store.StoreConfig;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.io.FileLayer.DiskSpace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Watches the free space of the store's file system and decides whether an append may use it.
 *
 * <p>Two levels. Above {@code diskSpaceWarningLevelRatio} (90 %) appends of clients' messages are refused
 * ({@code DISK_FULL}). The space above it is the reserve: half of it for the broker's own records while clients
 * are refused (due delayed messages, retry copies and dead-letter moves, transaction decisions: refusing those
 * would leave a message nowhere), the other half for what is never an append and must always work (consume-queue
 * and index entries of what was accepted, acknowledgements, checkpoints, the clean-shutdown record).
 *
 * <p>Why the usage is sampled by bytes appended as well as by time: a disk can fill faster than any period
 * ({@code cleanResourceInterval}, 10 s), and a watermark found out only by the file system's "no space left"
 * leaves writes half done. Each sample sets a budget of a quarter of the space left before the warning level
 * (at least {@link #MIN_SAMPLE_BYTES}); once appends have used it, the next append samples again. So the samples
 * come closer together as the disk fills, and the appends can overshoot the level by at most one budget plus
 * what others (the prefilled window of the commit log, other programs) wrote since the last sample. A statvfs
 * costs microseconds; near the level, that is one per {@code MIN_SAMPLE_BYTES}.
 *
 * <p>While appends are refused, a refused append samples again if the last sample is older than
 * {@link #RECHECK_MILLIS}, so sends are accepted again soon after space is freed, without waiting for the period.
 */
public final class DiskSpaceGuard {
    private static final Logger LOG = LoggerFactory.getLogger(DiskSpaceGuard.class);
    static final long MIN_SAMPLE_BYTES = 64 * 1024;
    static final long MAX_SAMPLE_BYTES = 64L << 20;
    static final long RECHECK_MILLIS = 250;

    private final StoreConfig config;
    private final FileLayer layer;
    private final LongSupplier nanoTime;
    private final AtomicLong appendedSinceSample = new AtomicLong();
    private final ReentrantLock sampling = new ReentrantLock();
    private volatile long sampleBudget = MIN_SAMPLE_BYTES;
    private volatile long sampledNanos;
    private volatile DiskSpace space = new DiskSpace(1, 1);
    private volatile boolean clientsRefused;
    private volatile boolean reserveUsedUp;

    public DiskSpaceGuard(StoreConfig config, FileLayer layer) {
        this(config, layer, System::nanoTime);
    }

    DiskSpaceGuard(StoreConfig config, FileLayer layer, LongSupplier nanoTime) {
        this.config = config;
        this.layer = layer;
        this.nanoTime = nanoTime;
        this.sampledNanos = nanoTime.getAsLong();
    }

    /** Above this used ratio even the broker's own appends are refused: half the reserve stays for the rest. */
    public double reserveLevel() {
        double warning = config.diskSpaceWarningLevelRatio();
        return warning + (1 - warning) / 2;
    }

    /** Reads the file system's usage now; logs only when appends start or stop being refused. */
    public double check() {
        sampling.lock();
        try {
            return sample();
        } finally {
            sampling.unlock();
        }
    }

    /** Under {@link #sampling}. */
    private double sample() {
        DiskSpace now;
        try {
            now = layer.diskSpace(config.storePathRootDir());
        } catch (IOException e) {
            LOG.warn("cannot read disk usage of {}: {}", config.storePathRootDir(), e.toString());
            return space.usedRatio();
        }
        space = now;
        sampledNanos = nanoTime.getAsLong();
        appendedSinceSample.set(0);
        double used = now.usedRatio();
        long headroom = now.usableBytes() - Math.round(now.totalBytes() * (1 - config.diskSpaceWarningLevelRatio()));
        sampleBudget = Math.max(MIN_SAMPLE_BYTES, Math.min(MAX_SAMPLE_BYTES, headroom / 4));
        boolean refuse = used > config.diskSpaceWarningLevelRatio();
        if (refuse != clientsRefused) {
            if (refuse) {
                LOG.error("{}: refusing sends; the broker's own records use the reserve up to {}%", usage(),
                        percent(reserveLevel()));
            } else {
                LOG.info("disk usage {}% of {} is below diskSpaceWarningLevelRatio {}% again: accepting sends",
                        percent(used), config.storePathRootDir(), percent(config.diskSpaceWarningLevelRatio()));
            }
            clientsRefused = refuse;
        }
        boolean reserveGone = used > reserveLevel();
        if (reserveGone != reserveUsedUp) {
            if (reserveGone) {
                LOG.error("disk usage {}% of {} is above the reserve level {}%: the broker's own records wait too",
                        percent(used), config.storePathRootDir(), percent(reserveLevel()));
            }
            reserveUsedUp = reserveGone;
        }
        return used;
    }

    /**
     * Called before an append of {@code bytes}: samples the usage if the appends since the last sample used up
     * its budget, or if appends are being refused and the sample is stale.
     *
     * @param reserved the broker's own record, which may use the first half of the reserve
     * @return null if the append may go ahead, else why not (naming the path, the usage and the setting)
     */
    public String refusal(long bytes, boolean reserved) {
        boolean refusing = reserved ? reserveUsedUp : clientsRefused;
        boolean due = appendedSinceSample.addAndGet(bytes) >= sampleBudget
                || (refusing && nanoTime.getAsLong() - sampledNanos > TimeUnit.MILLISECONDS.toNanos(RECHECK_MILLIS));
        // Appenders that find it due together: one samples, the others go on with the last sample.
        if (due && sampling.tryLock()) {
            try {
                sample();
            } finally {
                sampling.unlock();
            }
        }
        if (reserved ? reserveUsedUp : clientsRefused) {
            return reserved ? usage() + " and above the reserve level " + percent(reserveLevel()) + "%" : usage();
        }
        return null;
    }

    /**
     * After a write failed: whether it failed for lack of space (the file system said so, or too little is free
     * for it); if so, why, naming the path and the usage, else null. Samples the usage now either way.
     */
    public String noSpace(IOException failure, String what, long bytes) {
        check();
        if (!saysNoSpace(failure) && space.usableBytes() >= bytes) {
            return null;
        }
        return what + " failed for lack of space (" + failure.getMessage() + "); " + describe();
    }

    /** Whether {@code failure} or one of its causes is the file system's "no space" (ENOSPC, EDQUOT). */
    public static boolean saysNoSpace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && (message.contains("No space left on device")
                    || message.contains("Disk quota exceeded") || message.contains("There is not enough space"))) {
                return true;
            }
        }
        return false;
    }

    /** Whether clients' appends are refused now. */
    public boolean clientsRefused() {
        return clientsRefused;
    }

    public double usedRatio() {
        return space.usedRatio();
    }

    /** Why clients' appends are refused, naming the path, the usage and the setting. */
    public String usage() {
        return describe() + " is above diskSpaceWarningLevelRatio " + percent(config.diskSpaceWarningLevelRatio())
                + "%";
    }

    /** The last sample: used percentage, path, free and total space. */
    public String describe() {
        DiskSpace now = space;
        return "disk usage " + percent(now.usedRatio()) + "% of " + config.storePathRootDir() + " ("
                + mib(now.usableBytes()) + " MiB free of " + mib(now.totalBytes()) + " MiB)";
    }

    private static long percent(double ratio) {
        return Math.round(ratio * 100);
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
