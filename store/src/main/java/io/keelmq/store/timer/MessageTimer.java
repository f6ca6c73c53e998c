package io.keelmq.store.timer;

import io.keelmq.store.MessageStore;
import io.keelmq.store.io.FailureBackoff;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The persistent timer (RocketMQ 5's TimerMessageStore, cut down): delayed records are appended to
 * the commit log in {@link TimerConfig#destination()} with their due time in the tag-hash field; the
 * timer thread adds each one, once it is in that destination's consume queue (so durable), to the
 * {@link TimerWheel} and {@link TimerLog}, and walks the wheel slot by slot as time passes, handing
 * each due record to the {@link DueRecordHandler}. A record due beyond the wheel's window is parked in
 * the window's last slot and re-added when that slot comes up ("rolled").
 *
 * <p>Heap: nothing per pending record. Only the slot being delivered is loaded (its records are due
 * within one precision step), then dropped.
 *
 * <p>Progress and recovery: after the deliveries of a slot are durable, the checkpoint records the next
 * slot to scan and the consume-queue offset added so far. A clean close forces wheel and log and marks
 * the checkpoint clean; the next open trusts them. After a crash the wheel and log are not trusted (they
 * are written without forcing): they are rebuilt from the destination's consume queue, skipping records
 * that the checkpoint proves delivered; records of slots the crash may have interrupted are handed over
 * with {@code maybeDelivered} so that the handler can skip those already delivered.
 *
 * <p>Retention: the timer is a retention floor at the lowest commit-log offset it still needs.
 */
public final class MessageTimer implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(MessageTimer.class);
    private static final int ENQUEUE_BATCH = 1024;
    private static final int MAX_IN_FLIGHT = 8192;
    private static final long MAX_WAIT_MILLIS = 200;
    /** A full disk can fail steps and deliveries for hours: retry with a growing pause, log the changes only. */
    private final FailureBackoff stepBackoff = new FailureBackoff("delay timer step", LOG, 1_000, 30_000);
    private final FailureBackoff deliveryBackoff = new FailureBackoff("delivery of due delayed messages", LOG, 1_000,
            30_000);
    private static final long LIVE_RANGE_REFRESH_MILLIS = 10_000;

    private final MessageStore store;
    private final FileLayer layer;
    private final Clock clock;
    private final TimerConfig config;
    private final DueRecordHandler handler;
    private final Path checkpointFile;
    private final TimerLog log;
    private final TimerWheel wheel;
    private final Object signal = new Object();
    private boolean signalled;

    /** Start of the next slot to finish delivering; every record due before it is delivered. */
    private long scanMillis;
    /** Next offset of the destination's consume queue to add. */
    private long enqueuedQueueOffset;
    /** Deliveries of slots before this may have happened once already (a crash or stop interrupted them). */
    private long maybeDeliveredBefore;
    /** After a crash: records below this queue offset and due before {@link #rebuildScanMillis} were delivered. */
    private long rebuildEnqueuedBound;
    private long rebuildScanMillis;

    private OpenSlot open;
    private long retryNotBefore;
    private long nextLiveRangeRefresh;
    private volatile long minRequiredPhysicalOffset = 0;
    private volatile long pendingEntries;
    private volatile boolean running;
    private Thread thread;

    private MessageTimer(MessageStore store, FileLayer layer, Clock clock, TimerConfig config,
                         DueRecordHandler handler, Path dir, TimerCheckpoint checkpoint, boolean trusted)
            throws IOException {
        this.store = store;
        this.layer = layer;
        this.clock = clock;
        this.config = config;
        this.handler = handler;
        this.checkpointFile = dir.resolve("checkpoint");
        this.log = new TimerLog(dir.resolve("timerlog"), layer, config.logFileSize(), trusted ? checkpoint.logEnd() : 0);
        TimerWheel opened = null;
        try {
            opened = new TimerWheel(dir.resolve("timerwheel"), layer, config.precisionMillis(), config.wheelSlots());
        } finally {
            if (opened == null) {
                log.close();
            }
        }
        this.wheel = opened;
    }

    /**
     * Opens the timer in {@code <storePathRootDir>/timer}, recovering it when the last run did not
     * close it cleanly. Call {@link #start()} to run it.
     */
    public static MessageTimer open(MessageStore store, FileLayer layer, Clock clock, TimerConfig config,
                                    DueRecordHandler handler) throws IOException {
        Path dir = store.config().storePathRootDir().resolve("timer");
        layer.createDirectories(dir);
        TimerCheckpoint checkpoint = TimerCheckpoint.read(layer, dir.resolve("checkpoint"));
        ConsumeQueue queue = store.consumeQueue(config.destination(), 0);
        long queueEnd = queue == null ? 0 : queue.maxOffset();
        // Trusted only after a clean close, with the same wheel settings, and if the store kept every record
        // the timer had added (an unclean store shutdown may have cut the log behind a clean timer).
        boolean trusted = checkpoint != null && checkpoint.clean() && checkpoint.sameWheel(config)
                && checkpoint.enqueuedQueueOffset() <= queueEnd;
        MessageTimer timer = new MessageTimer(store, layer, clock, config, handler, dir, checkpoint, trusted);
        try {
            timer.recover(checkpoint, trusted);
        } catch (IOException | RuntimeException e) {
            timer.closeFiles();
            throw e;
        }
        store.addRetentionFloor(timer::minRequiredPhysicalOffset);
        return timer;
    }

    /**
     * A slave's copy about to start as a master: its timer's files describe its own idle run, not what the old master
     * delivered. Replaces the checkpoint so that the next {@link #open} rebuilds wheel and log from the timer
     * destination's whole consume queue, and hands every record due by {@code nowMillis} over as maybe delivered:
     * the handler finds the copy the old master delivered (replicated with the log) and does not write it twice.
     */
    public static void rebuildOnNextOpen(MessageStore store, FileLayer layer, long nowMillis) throws IOException {
        Path dir = store.config().storePathRootDir().resolve("timer");
        layer.createDirectories(dir);
        new TimerCheckpoint(nowMillis, 0, 0, nowMillis, false, 0, 0).write(layer, dir.resolve("checkpoint"));
    }

    private void recover(TimerCheckpoint checkpoint, boolean trusted) throws IOException {
        long now = clock.millis();
        if (checkpoint == null) {
            wheel.clearAll();
            scanMillis = config.slotOf(now);
        } else if (trusted) {
            scanMillis = checkpoint.scanMillis();
            enqueuedQueueOffset = checkpoint.enqueuedQueueOffset();
            maybeDeliveredBefore = checkpoint.maybeDeliveredBefore();
        } else {
            LOG.warn("timer {}: rebuilding its wheel and log from {} (delivered up to {})", checkpoint.clean()
                    ? "wheel settings changed or the store lost records" : "was not closed cleanly",
                    config.destination(), checkpoint.scanMillis());
            wheel.clearAll();
            scanMillis = config.slotOf(checkpoint.scanMillis());
            rebuildEnqueuedBound = checkpoint.enqueuedQueueOffset();
            rebuildScanMillis = checkpoint.scanMillis();
            maybeDeliveredBefore = Math.max(checkpoint.maybeDeliveredBefore(),
                    config.slotOf(now) + config.precisionMillis());
        }
        writeCheckpoint(false);
        enqueueAvailable();
        refreshLiveRange(now);
    }

    /** Starts the timer thread. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        store.addArrivalListener((destination, partition, maxOffset) -> {
            if (destination.equals(config.destination())) {
                wakeUp();
            }
        });
        thread = new Thread(this::run, "keel-message-timer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            long waitMillis;
            try {
                waitMillis = step();
                stepBackoff.succeeded();
            } catch (IOException | RuntimeException e) {
                waitMillis = TimeUnit.NANOSECONDS.toMillis(stepBackoff.failed(e));
            }
            synchronized (signal) {
                if (!signalled && running && waitMillis > 0) {
                    try {
                        signal.wait(waitMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                signalled = false;
            }
        }
    }

    private void wakeUp() {
        synchronized (signal) {
            signalled = true;
            signal.notifyAll();
        }
    }

    /**
     * One round of the timer thread: add newly stored delayed records, deliver what is due, and
     * refresh what retention must keep. Returns how long to wait before the next round.
     */
    long step() throws IOException {
        long now = clock.millis();
        enqueueAvailable();
        long wait = scanDue(now);
        if (now >= nextLiveRangeRefresh) {
            refreshLiveRange(now);
        }
        return wait;
    }

    // ---------------------------------------------------------------- enqueue

    private void enqueueAvailable() throws IOException {
        ConsumeQueue queue = store.consumeQueue(config.destination(), 0);
        if (queue == null) {
            return;
        }
        enqueuedQueueOffset = Math.max(enqueuedQueueOffset, queue.minOffset());
        while (enqueuedQueueOffset < queue.maxOffset()) {
            List<ConsumeQueueEntry> batch = queue.read(enqueuedQueueOffset, ENQUEUE_BATCH);
            if (batch.isEmpty()) {
                return;
            }
            for (ConsumeQueueEntry entry : batch) {
                long due = entry.tagHash();
                boolean deliveredBeforeCrash = entry.queueOffset() < rebuildEnqueuedBound && due < rebuildScanMillis;
                if (!deliveredBeforeCrash) {
                    add(due, entry.physicalOffset(), entry.size());
                }
                enqueuedQueueOffset = entry.queueOffset() + 1;
            }
        }
    }

    /** Puts a record in the slot of its due time, or the window's last slot when it is due beyond it. */
    private void add(long dueMillis, long commitLogOffset, int size) throws IOException {
        long lastSlot = scanMillis + config.windowMillis() - config.precisionMillis();
        long target = Math.min(Math.max(config.slotOf(dueMillis), scanMillis), lastSlot);
        TimerSlot slot = wheel.get(target);
        long position = log.append(slot.count() > 0 ? slot.lastPosition() : -1, dueMillis, commitLogOffset, size);
        wheel.put(slot.with(position, commitLogOffset));
        if (open != null && open.slotMillis == target) {
            open.add(new OpenSlot.Due(dueMillis, commitLogOffset, size, target < maybeDeliveredBefore));
        }
    }

    // ---------------------------------------------------------------- scan

    /** Delivers what is due; returns how long the thread may wait. */
    private long scanDue(long now) throws IOException {
        while (true) {
            if (now < retryNotBefore) {
                return retryNotBefore - now;
            }
            if (open == null) {
                if (now < scanMillis) {
                    return Math.min(MAX_WAIT_MILLIS, scanMillis - now);
                }
                open = loadSlot(scanMillis);
            }
            OpenSlot.Due due;
            while ((due = open.pollDueBy(now)) != null) {
                open.delivering(due, handler.deliver(due.commitLogOffset(), due.size(), due.maybeDelivered()));
                if (open.inFlightCount() >= MAX_IN_FLIGHT && !awaitDeliveries()) {
                    return 0;
                }
            }
            long nextDue = open.nextDueMillis();
            if (nextDue != Long.MAX_VALUE) {
                return Math.max(1, Math.min(MAX_WAIT_MILLIS, nextDue - now));
            }
            if (!awaitDeliveries()) {
                return 0;
            }
            long slotEnd = open.slotMillis + config.precisionMillis();
            if (now < slotEnd) {
                // Stay open for the rest of the step: a record that arrives already due lands in this
                // slot and goes out at the next round rather than one step later.
                return Math.min(MAX_WAIT_MILLIS, slotEnd - now);
            }
            finishSlot();
            now = clock.millis();
        }
    }

    /** Loads the slot's entries: those due within its step wait for delivery, later ones are rolled. */
    private OpenSlot loadSlot(long slotMillis) throws IOException {
        TimerSlot slot = wheel.get(slotMillis);
        OpenSlot loaded = new OpenSlot(slotMillis);
        long position = slot.count() > 0 ? slot.lastPosition() : -1;
        for (int walked = 0; position >= 0 && walked < slot.count(); walked++) {
            TimerEntry entry = log.read(position);
            if (entry.dueMillis() >= slotMillis + config.precisionMillis()) {
                loaded.roll(entry);
            } else {
                loaded.add(new OpenSlot.Due(entry.dueMillis(), entry.commitLogOffset(), entry.size(),
                        slotMillis < maybeDeliveredBefore));
            }
            position = entry.previousPosition();
        }
        return loaded;
    }

    /** Waits for the open slot's deliveries; false (and a retry later) if one failed. */
    private boolean awaitDeliveries() {
        List<OpenSlot.Due> failed = open.awaitDeliveries();
        if (failed.isEmpty()) {
            deliveryBackoff.succeeded();
            return true;
        }
        for (OpenSlot.Due due : failed) {
            open.add(new OpenSlot.Due(due.dueMillis(), due.commitLogOffset(), due.size(), true));
        }
        long pause = deliveryBackoff.failed(new IOException(failed.size() + " deliveries failed, the first at "
                + "commit-log offset " + failed.get(0).commitLogOffset() + ": " + open.lastFailure(), open.lastFailure()));
        retryNotBefore = clock.millis() + TimeUnit.NANOSECONDS.toMillis(pause);
        return false;
    }

    /** Every record of the open slot is delivered: re-add the rolled ones, empty the slot, record progress. */
    private void finishSlot() throws IOException {
        OpenSlot finished = open;
        open = null;
        for (TimerEntry rolled : finished.rolled()) {
            add(rolled.dueMillis(), rolled.commitLogOffset(), rolled.size());
        }
        if (finished.heldEntries()) {
            wheel.clear(finished.slotMillis); // an idle broker writes nothing
        }
        scanMillis = finished.slotMillis + config.precisionMillis();
        if (finished.deliveredCount() > 0) {
            writeCheckpoint(false);
        }
    }

    // ---------------------------------------------------------------- retention, progress

    private void refreshLiveRange(long now) throws IOException {
        TimerWheel.LiveRange live = wheel.liveRange(scanMillis);
        long floor = live.lowestCommitLogOffset();
        ConsumeQueue queue = store.consumeQueue(config.destination(), 0);
        if (queue != null && enqueuedQueueOffset < queue.maxOffset()) {
            ConsumeQueueEntry next = queue.get(Math.max(enqueuedQueueOffset, queue.minOffset()));
            if (next != null) {
                floor = Math.min(floor, next.physicalOffset());
            }
        }
        minRequiredPhysicalOffset = floor;
        pendingEntries = live.pendingEntries();
        int deleted = log.deleteFilesBelow(live.lowestLogPosition());
        if (deleted > 0) {
            LOG.info("deleted {} timer-log files no live slot needs", deleted);
        }
        nextLiveRangeRefresh = now + LIVE_RANGE_REFRESH_MILLIS;
    }

    private void writeCheckpoint(boolean clean) throws IOException {
        if (maybeDeliveredBefore != 0 && scanMillis >= maybeDeliveredBefore && open == null) {
            maybeDeliveredBefore = 0;
        }
        new TimerCheckpoint(scanMillis, enqueuedQueueOffset, log.writePosition(), maybeDeliveredBefore, clean,
                config.precisionMillis(), config.wheelSlots()).write(layer, checkpointFile);
    }

    /** Lowest commit-log offset a pending delayed record occupies, MAX_VALUE if none (a retention floor). */
    public long minRequiredPhysicalOffset() {
        return minRequiredPhysicalOffset;
    }

    /** Wheel entries still to deliver, as of the last refresh (every 10 s and at open). */
    public long pendingEntries() {
        return pendingEntries;
    }

    /** Start of the next slot to deliver (every record due before it has been delivered). */
    public long scanMillis() {
        return scanMillis;
    }

    // for tests: sizes of the on-disk structures
    long timerLogBytes() {
        return log.writePosition();
    }

    int timerLogFiles() {
        return log.fileCount();
    }

    long wheelFileBytes() throws IOException {
        return wheel.fileSize();
    }

    void refreshLiveRangeNow() throws IOException {
        refreshLiveRange(clock.millis());
    }

    /**
     * Stops the thread, waits for deliveries in flight, forces wheel and log, and marks the
     * checkpoint clean. A slot delivered in part is delivered again after the restart, its records
     * handed over with {@code maybeDelivered}.
     */
    @Override
    public void close() throws IOException {
        Thread running = this.thread;
        this.running = false;
        if (running != null) {
            wakeUp();
            try {
                running.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (open != null) {
                open.awaitDeliveries();
                if (open.deliveredCount() > 0 || open.hadFailures()) {
                    maybeDeliveredBefore = Math.max(maybeDeliveredBefore, open.slotMillis + config.precisionMillis());
                }
            }
            log.force();
            wheel.force();
            writeCheckpoint(true);
        } finally {
            closeFiles();
        }
    }

    private void closeFiles() {
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("closing the timer log failed: {}", e.toString());
        }
        try {
            wheel.close();
        } catch (IOException e) {
            LOG.warn("closing the timer wheel failed: {}", e.toString());
        }
    }
}
