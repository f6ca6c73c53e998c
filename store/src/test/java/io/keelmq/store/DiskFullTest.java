package io.keelmq.store;

import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A full disk, on a small simulated file system: every append is answered at once, clearly; the watermark holds
 * before the file system is full whatever the append rate; the broker's own records use the reserve; background
 * work backs off; and nothing acknowledged is lost, across a power loss.
 */
class DiskFullTest {
    private static final int RECORD = 1000;
    private final Path dir = Path.of("/sim/diskfull");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);

    private StoreConfig config() {
        return Records.smallStore(dir).mappedFileSizeCommitLog(1 << 20);
    }

    private static AppendResult answer(CompletableFuture<AppendResult> append) throws Exception {
        return append.get(10, TimeUnit.SECONDS);     // an append left without an answer fails the test here
    }

    @Test
    void anAppendThatFindsNoSpaceIsAnsweredAtOnceNamingThePathAndTheUsage() throws Exception {
        layer.capacity(8 << 20);
        List<AppendResult> acknowledged = new ArrayList<>();
        try (MessageStore store = MessageStore.open(config().commitLogPrefill(false), layer, clock)) {
            for (int i = 0; i < 10; i++) {
                acknowledged.add(store.append(Records.record("q", 0, "before" + i, RECORD)));
            }
            awaitDispatched(store);
            // Another program fills the disk between two samples: the store finds out by the write's ENOSPC.
            layer.othersUse((8 << 20) - layer.usedBytes() - 3 * RECORD);
            AppendResult refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                AppendResult result = answer(store.appendAsync(Records.record("q", 0, "full" + i, RECORD)));
                if (result.status() == AppendStatus.PUT_OK) {
                    acknowledged.add(result);
                } else {
                    refused = result;
                }
            }
            assertNotNull(refused, "appends went on past the end of the file system");
            assertEquals(AppendStatus.DISK_FULL, refused.status(), refused.error());
            assertTrue(refused.error().contains("No space left on device")
                    && refused.error().contains(dir.resolve("commitlog").toString())
                    && refused.error().contains("disk usage 100% of " + dir), refused.error());
            assertTrue(layer.noSpaceFailures() > 0, "the write found the disk full");
            assertTrue(store.diskFull(), "and the store knows now");
            AppendResult next = answer(store.appendAsync(Records.record("q", 0, "next", RECORD)));
            assertEquals(AppendStatus.DISK_FULL, next.status());
            assertTrue(next.error().contains("is above diskSpaceWarningLevelRatio 90%"), next.error());

            layer.othersUse(0);                       // the operator frees space: accepted again, no restart
            AppendResult again = awaitAccepted(store);
            acknowledged.add(again);
            awaitDispatched(store);
        }
        assertAllReadable(layer.powerLoss(), acknowledged);
    }

    @Test
    void aFailedForceAnswersEveryWaitingAppendAndIsFinal() throws Exception {
        MessageStore store = MessageStore.open(config(), layer, clock);
        AppendResult durable = store.append(Records.record("q", 0, "durable", RECORD));
        layer.closeForceGate();
        List<CompletableFuture<AppendResult>> waiting = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            waiting.add(store.appendAsync(Records.record("q", 0, "unsure" + i, RECORD)));
        }
        layer.failForces("No space left on device");
        layer.openForceGate();
        for (CompletableFuture<AppendResult> append : waiting) {
            AppendResult result = answer(append);
            assertEquals(AppendStatus.FLUSH_DISK_TIMEOUT, result.status(), "written, not known durable");
            assertTrue(result.error().contains("force failed") && result.error().contains("No space left on device"),
                    result.error());
        }
        long flushed = store.commitLogFlushedOffset();
        layer.failForces(null);                      // a later fsync would succeed: it must prove nothing
        AppendResult later = answer(store.appendAsync(Records.record("q", 0, "later", RECORD)));
        assertEquals(AppendStatus.DISK_FULL, later.status(), "nothing stored, for lack of space");
        assertTrue(later.error().contains("restart"), later.error());
        assertEquals(flushed, store.commitLogFlushedOffset(), "never reported durable after the failed force");
        assertTrue(flushed <= waiting.get(0).get().physicalOffset(), "the unsure records are above it");
        assertThrows(java.io.IOException.class, store::close);
        assertAllReadable(layer.powerLoss(), List.of(durable));
    }

    @Test
    void theWatermarkHoldsBeforeTheFileSystemIsFullAndTheBrokersRecordsUseTheReserve() throws Exception {
        long capacity = 16 << 20;
        layer.capacity(capacity);
        ConcurrentLinkedQueue<AppendResult> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        // cleanResourceInterval is an hour: only the sampling by bytes appended can see the disk fill.
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            List<Thread> appenders = new ArrayList<>();
            AtomicInteger sequence = new AtomicInteger();
            for (int t = 0; t < 8; t++) {
                appenders.add(new Thread(() -> {
                    try {
                        while (true) {
                            AppendResult result = answer(store.appendAsync(Records.record("q", 0,
                                    "m" + sequence.incrementAndGet(), RECORD)));
                            if (result.status() != AppendStatus.PUT_OK) {
                                refusals.add(result.status() + " " + result.error());
                                return;
                            }
                            acknowledged.add(result);
                        }
                    } catch (Exception e) {
                        refusals.add("failed: " + e);
                    }
                }));
            }
            appenders.forEach(Thread::start);
            for (Thread appender : appenders) {
                appender.join(60_000);
            }
            assertEquals(8, refusals.size());
            for (String refusal : refusals) {
                assertTrue(refusal.startsWith("DISK_FULL disk usage") && refusal.contains("diskSpaceWarningLevelRatio 90%")
                        && refusal.contains(dir.toString()), refusal);
            }
            assertEquals(0, layer.noSpaceFailures(), "the watermark refused before any write found the disk full");
            double used = (double) layer.usedBytes() / capacity;
            assertTrue(used > 0.85 && used < 0.925, "refused at about 90 %, not later: " + used);
            assertTrue(acknowledged.size() > 10_000, "filled the disk first: " + acknowledged.size());

            // The broker's own records (due delayed messages, retry copies, decisions) may use half the reserve.
            int reserved = 0;
            AppendResult own;
            while ((own = answer(store.appendReservedAsync(Records.record("q", 0, "own" + reserved, RECORD))))
                    .status() == AppendStatus.PUT_OK) {
                acknowledged.add(own);
                reserved++;
            }
            assertEquals(AppendStatus.DISK_FULL, own.status());
            assertTrue(own.error().contains("above the reserve level 95%"), own.error());
            assertTrue(reserved > 300, "the broker's records went on above the warning level: " + reserved);
            assertEquals(0, layer.noSpaceFailures());
            assertTrue((double) layer.usedBytes() / capacity < 0.97, "half the reserve stays free");

            awaitDispatched(store);                   // consume queues and index still have room
            store.checkpoint();
        }
        assertAllReadable(layer.powerLoss(), new ArrayList<>(acknowledged));
    }

    @Test
    void aPrefillThatFindsNoSpaceMakesTheStoreLookAtOnceBeforeTheRecordsNeedTheSpace() throws Exception {
        long capacity = 64L << 20;                    // a large budget per sample: the bytes alone would not look
        layer.capacity(capacity);
        try (MessageStore store = MessageStore.open(config().mappedFileSizeCommitLog(4 << 20), layer, clock)) {
            store.append(Records.record("q", 0, "first", RECORD));
            awaitPrefilled(store);
            layer.othersUse(capacity - layer.usedBytes() - 1024);
            // Records land in the prefilled window; past its half the prefill extends it, finds no space, and
            // the store samples the disk at once.
            int appended = 0;
            while (layer.noSpaceFailures() == 0 && appended < 600) {
                AppendResult result = store.append(Records.record("q", 0, "m" + appended++, RECORD));
                assertEquals(AppendStatus.PUT_OK, result.status(), result.error());
            }
            assertTrue(layer.noSpaceFailures() > 0, "the prefill found the disk full");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!store.diskFull() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(store.diskFull(), "the failed prefill made the store look at the disk");
            AppendResult refused = store.append(Records.record("q", 0, "refused", RECORD));
            assertEquals(AppendStatus.DISK_FULL, refused.status());
            assertTrue(refused.error().contains("is above diskSpaceWarningLevelRatio"), "refused by the watermark, "
                    + "not by a record's write: " + refused.error());
            layer.othersUse(0);                       // the clean close writes positions and the checkpoint
        }
    }

    @Test
    void dispatchAndCheckpointBackOffWhileTheDiskIsFullAndLogOncePerChange() throws Exception {
        long capacity = 4 << 20;
        layer.capacity(capacity);
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            AppendResult first = store.append(Records.record("q", 0, "first", RECORD));
            awaitDispatched(store);
            awaitPrefilled(store);
            System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
            layer.othersUse(capacity - layer.usedBytes());
            // Lands in the prefilled part of the segment, so it is stored; its consume-queue entry is not.
            AppendResult second = store.append(Records.record("q", 0, "second", RECORD));
            assertEquals(AppendStatus.PUT_OK, second.status(), second.error());
            Thread.sleep(3_000);
            long tries = layer.noSpaceFailures();
            // Without the back-off: a dispatch try every 200 ms and a checkpoint every 50 ms, 75 in 3 s.
            assertTrue(tries >= 2 && tries <= 14, "tries during 3 s of a full disk: " + tries);
            assertTrue(store.dispatchedOffset() < store.commitLogMaxOffset(), "not visible while the disk is full");
            layer.othersUse(0);
            awaitDispatched(store);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            while (!log.toString(StandardCharsets.UTF_8).contains("checkpoint works again")
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.setErr(originalErr);
            String logged = log.toString(StandardCharsets.UTF_8);
            assertEquals(1, count(logged, "dispatch to consume queues and index failed"), logged);
            assertEquals(1, count(logged, "dispatch to consume queues and index works again"), logged);
            assertEquals(1, count(logged, "checkpoint failed"), logged);
            assertEquals(1, count(logged, "checkpoint works again"), logged);
            assertEquals("second", Records.nameOf(store.readQueue("q", 0, 1, 1).get(0).body()));
            assertEquals("first", Records.nameOf(store.read(first.physicalOffset()).body()));
        } finally {
            System.setErr(originalErr);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    /** Waits until the first segment is written with zeros 1 MiB past its records (or to its end). */
    private void awaitPrefilled(MessageStore store) throws InterruptedException {
        long target = Math.min(store.config().mappedFileSizeCommitLog(), store.commitLogMaxOffset() + (1 << 20));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Path segment = dir.resolve("commitlog").resolve("00000000000000000000");
        while (layer.size(segment) < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(target, layer.size(segment), "the segment is prefilled");
    }

    private static AppendResult awaitAccepted(MessageStore store) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        AppendResult result;
        do {
            result = answer(store.appendAsync(Records.record("q", 0, "again", RECORD)));
            if (result.status() != AppendStatus.DISK_FULL) {
                break;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        assertEquals(AppendStatus.PUT_OK, result.status(), result.error());
        return result;
    }

    /** After the power came back: every acknowledged record is there and visible in its queue. */
    private void assertAllReadable(SimulatedFileLayer after, List<AppendResult> acknowledged) throws Exception {
        after.capacity(0);
        try (MessageStore recovered = MessageStore.open(config(), after, clock)) {
            awaitDispatched(recovered);
            for (AppendResult result : acknowledged) {
                StoredMessage message = recovered.read(result.physicalOffset());
                assertNotNull(message, "acknowledged record at " + result.physicalOffset() + " lost");
                assertEquals(result.queueOffset(), message.queueOffset());
            }
            assertTrue(recovered.maxQueueOffset("q", 0) >= acknowledged.size());
        }
    }
}
