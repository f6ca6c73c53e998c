package io.keelmq.store;

import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input and failing disks reach the caller; nothing already stored is lost. */
class FaultTest {
    private final Path dir = Path.of("/sim/faults");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);

    @Test
    void anOversizeMessageIsRefusedAndNotStored() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir).maxMessageSize(1000), layer, clock)) {
            AppendResult refused = store.append(Records.record("q", 0, "big", 1001));
            assertEquals(AppendStatus.MESSAGE_SIZE_EXCEEDED, refused.status());
            assertTrue(refused.error().contains("maxMessageSize 1000"), refused.error());
            assertEquals(0, store.commitLogMaxOffset());
            assertEquals(AppendStatus.PUT_OK, store.append(Records.record("q", 0, "fits", 900)).status());
        }
    }

    @Test
    void aFailedWriteIsReportedAndTheStoreCarriesOnWhenTheDiskRecovers() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            AppendResult before = store.append(Records.record("q", 0, "before", 100));
            layer.failWrites("Input/output error");
            AppendResult failed = store.append(Records.record("q", 0, "failed", 100));
            assertEquals(AppendStatus.IO_ERROR, failed.status(), "not a lack of space (DiskFullTest has that)");
            assertTrue(failed.error().contains("Input/output error"), failed.error());
            layer.failWrites(null);
            AppendResult after = store.append(Records.record("q", 0, "after", 100));
            assertEquals(AppendStatus.PUT_OK, after.status());
            assertEquals(1, after.queueOffset(), "the failed append used no queue offset");
            assertEquals(before.physicalOffset() + before.records().get(0).size(), after.physicalOffset());
            awaitDispatched(store);
            assertEquals("before", Records.nameOf(store.readQueue("q", 0, 0, 1).get(0).body()));
            assertEquals("after", Records.nameOf(store.readQueue("q", 0, 1, 1).get(0).body()));
        }
    }

    @Test
    void underAsyncFlushAFailingDiskLosesNoAcknowledgedAppend() throws Exception {
        // Segments larger than the 1 MiB write buffer, so the buffer is what fills first.
        var config = Records.smallStore(dir).flushDiskType(FlushDiskType.ASYNC_FLUSH).flushIntervalCommitLog(20)
                .mappedFileSizeCommitLog(4 << 20);
        try (MessageStore store = MessageStore.open(config, layer, clock)) {
            layer.failWrites("No space left on device");
            java.util.List<AppendResult> acknowledged = new java.util.ArrayList<>();
            AppendResult last;
            int i = 0;
            // Appends are buffered while the committer retries; once the buffer is full they are refused.
            while ((last = store.append(Records.record("q", 0, "m" + i++, 1000))).status() == AppendStatus.PUT_OK) {
                acknowledged.add(last);
                assertTrue(i < 100_000, "appends never refused");
            }
            assertEquals(AppendStatus.DISK_FULL, last.status(), "nothing stored, for lack of space");
            assertTrue(last.error().contains("No space left on device") && last.error().contains(dir.toString()),
                    last.error());
            assertTrue(acknowledged.size() > 500, "the write buffer took " + acknowledged.size() + " appends");
            layer.failWrites(null);
            awaitDispatched(store);
            for (int k = 0; k < acknowledged.size(); k++) {
                assertEquals("m" + k, Records.nameOf(store.read(acknowledged.get(k).physicalOffset()).body()));
            }
            assertEquals(acknowledged.size(), store.maxQueueOffset("q", 0), "the refused append left no trace");
            assertEquals(AppendStatus.PUT_OK, store.append(Records.record("q", 0, "after", 10)).status());
        }
    }

    @Test
    void aFailedForceFailsTheAppendAndEveryLaterOneUntilRestart() throws Exception {
        MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock);
        AppendResult durable = store.append(Records.record("q", 0, "durable", 100));
        layer.failForces("EIO on fsync");
        AppendResult failed = store.append(Records.record("q", 0, "unsure", 100));
        assertEquals(AppendStatus.FLUSH_DISK_TIMEOUT, failed.status(), "written, durability unknown");
        assertTrue(failed.error().contains("EIO on fsync"), failed.error());
        layer.failForces(null);
        // After an fsync error the kernel may have dropped dirty pages: keep refusing.
        assertEquals(AppendStatus.IO_ERROR, store.append(Records.record("q", 0, "later", 100)).status());
        assertThrows(java.io.IOException.class, store::close, "close reports that the log could not be forced");
        try (MessageStore reopened = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            assertEquals("durable", Records.nameOf(reopened.read(durable.physicalOffset()).body()));
            assertEquals(AppendStatus.PUT_OK, reopened.append(Records.record("q", 0, "again", 100)).status());
        }
    }

    @Test
    void aClosedStoreAnswersServiceNotAvailable() throws Exception {
        MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock);
        store.close();
        assertEquals(AppendStatus.SERVICE_NOT_AVAILABLE, store.append(Records.record("q", 0, "late", 10)).status());
    }

    @Test
    void badSettingsAreRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MessageStore.open(Records.smallStore(dir).mappedFileSizeCommitLog(1024), layer, clock));
        assertTrue(e.getMessage().startsWith("mappedFileSizeCommitLog"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> MessageStore.open(Records.smallStore(dir).diskMaxUsedSpaceRatio(1.5), layer, clock));
        assertTrue(e.getMessage().startsWith("diskMaxUsedSpaceRatio"), e.getMessage());
    }
}
