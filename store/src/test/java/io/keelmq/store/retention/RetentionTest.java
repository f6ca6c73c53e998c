package io.keelmq.store.retention;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoreConfig;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionTest {
    private static final long HOUR = 3_600_000L;
    private final Path dir = Path.of("/sim/retention");
    // 10:00 UTC: not the deleteWhen hour (04), so only pressure or "now" deletes.
    private final MutableClock clock = new MutableClock(1_700_042_400_000L);
    private final SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);

    private StoreConfig config() {
        return Records.smallStore(dir).fileReservedTime(72);
    }

    /** Fills about {@code segments} 64 KiB segments of queue "q" partition 0. */
    private List<AppendResult> fill(MessageStore store, int segments) {
        List<AppendResult> results = new ArrayList<>();
        for (int i = 0; i < segments * 64; i++) {
            results.add(store.append(Records.record("q", 0, "m" + i, 900)));
        }
        return results;
    }

    private int segmentCount() throws Exception {
        return layer.list(dir.resolve("commitlog")).size();
    }

    @Test
    void segmentsYoungerThanFileReservedTimeAreKept() throws Exception {
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            fill(store, 5);
            awaitDispatched(store);
            int before = segmentCount();
            clock.advanceMillis(71 * HOUR);
            RetentionService.Outcome outcome = store.deleteExpiredNow();
            assertEquals(0, outcome.segmentsDeleted());
            assertTrue(outcome.keptBecause().contains("younger than fileReservedTime"), outcome.keptBecause());
            assertEquals(before, segmentCount());
        }
    }

    @Test
    void oldSegmentsAreDeletedOnlyBelowEverySubscriptionsPosition() throws Exception {
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            List<AppendResult> results = fill(store, 6);
            awaitDispatched(store);
            store.positions().register("queue:q", "q");
            store.positions().position("queue:q", 0, 0);
            // The subscription has consumed up to message 200 (in the fourth segment).
            store.positions().ackUpTo("queue:q", 0, 200);
            clock.advanceMillis(73 * HOUR);
            RetentionService.Outcome outcome = store.deleteExpiredNow();
            long needed = results.get(200).physicalOffset();
            assertTrue(outcome.segmentsDeleted() > 0, "segments below the position are deleted");
            assertTrue(store.commitLogMinOffset() <= needed, "the segment holding message 200 is kept");
            assertTrue(outcome.keptBecause().contains("still needed"), outcome.keptBecause());
            assertEquals("m200", Records.nameOf(store.readQueue("q", 0, 200, 1).get(0).body()));
            assertTrue(store.minQueueOffset("q", 0) > 0, "the consume queue's minimum follows the commit log");
            assertTrue(store.minQueueOffset("q", 0) <= 200);
            assertNotNull(store.read(needed));
        }
    }

    @Test
    void aRegisteredFloorSuchAsAPendingTransactionKeepsSegments() throws Exception {
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            List<AppendResult> results = fill(store, 5);
            awaitDispatched(store);
            long pendingHalfMessage = results.get(10).physicalOffset();
            store.addRetentionFloor(() -> pendingHalfMessage);
            clock.advanceMillis(100 * HOUR);
            RetentionService.Outcome outcome = store.deleteExpiredNow();
            assertEquals(0, outcome.segmentsDeleted(), "segment 0 holds the pending transaction");
            assertEquals("m10", Records.nameOf(store.read(pendingHalfMessage).body()));
        }
    }

    @Test
    void aSubscriptionThatHasNotStartedAPartitionKeepsAllOfIt() throws Exception {
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            fill(store, 4);
            awaitDispatched(store);
            store.positions().register("durable:c:s", "q");
            clock.advanceMillis(100 * HOUR);
            assertEquals(0, store.deleteExpiredNow().segmentsDeleted());
        }
    }

    @Test
    void diskPressureDeletesWhatRetentionAllowsWithoutWaitingForTheDeleteHour() throws Exception {
        StoreConfig config = config().cleanResourceInterval(20);
        try (MessageStore store = MessageStore.open(config, layer, clock)) {
            fill(store, 5);
            awaitDispatched(store);
            store.positions().register("queue:q", "q");
            store.positions().position("queue:q", 0, 0);
            store.positions().ackUpTo("queue:q", 0, store.maxQueueOffset("q", 0));
            clock.advanceMillis(73 * HOUR);
            int before = segmentCount();
            Thread.sleep(200);
            assertEquals(before, segmentCount(), "no pressure, not 04:00: nothing deleted yet");
            layer.usedRatio(0.80);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (segmentCount() > 1 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, segmentCount(), "above 75 % every expired, consumed segment goes; the active one stays");
        }
    }

    @Test
    void aboveTheWarningLevelAppendsAreRefusedAndNothingIsDropped() throws Exception {
        try (MessageStore store = MessageStore.open(config(), layer, clock)) {
            List<AppendResult> results = fill(store, 2);
            awaitDispatched(store);
            layer.usedRatio(0.93);
            store.checkDisk();
            AppendResult refused = store.append(Records.record("q", 0, "refused", 100));
            assertEquals(AppendStatus.DISK_FULL, refused.status());
            assertTrue(refused.error().contains("diskSpaceWarningLevelRatio 90%"), refused.error());
            assertEquals(results.size(), store.maxQueueOffset("q", 0), "nothing stored");
            assertEquals("m0", Records.nameOf(store.read(results.get(0).physicalOffset()).body()));
            layer.usedRatio(0.50);
            store.checkDisk();
            assertEquals(AppendStatus.PUT_OK, store.append(Records.record("q", 0, "accepted", 100)).status());
        }
    }
}
