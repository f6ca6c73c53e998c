package io.keelmq.store.recovery;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MessageStore#appendBatchWrittenAsync}: answered once written, never forced by itself, and made
 * durable by any later force that reaches past it, even when that force's record is in a later segment
 * (the broker's transaction halves rely on the COMMIT record's force covering them).
 */
class WrittenAppendTest {
    private static final int SEGMENT = 64 * 1024;
    private final Path dir = Path.of("/sim/written");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private static void closeDead(MessageStore store) {
        assertThrows(IOException.class, store::close);
    }

    private Path segment(long offset) {
        return dir.resolve("commitlog").resolve(String.format("%020d", offset - offset % SEGMENT));
    }

    @Test
    void aWrittenRecordIsAnsweredWithoutAForceAndAPowerLossForgetsIt() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock);
        AppendResult durable = store.append(Records.record("q", 0, "durable", 100));
        layer.closeForceGate();
        CompletableFuture<AppendResult> written = store.appendBatchWrittenAsync(
                List.of(Records.record("q", 0, "written", 100)));
        assertTrue(written.isDone(), "answered without waiting for a force");
        assertEquals(AppendStatus.PUT_OK, written.get().status());
        long end = durable.physicalOffset() + durable.records().get(0).size();
        long writtenStart = written.get().physicalOffset() % SEGMENT;
        long writtenEnd = writtenStart + written.get().records().get(0).size();
        assertTrue(layer.isDurable(segment(end), 0, end % SEGMENT), "the forced record is durable");
        assertFalse(layer.isDurable(segment(end), writtenStart, writtenEnd), "the written record is not durable");
        CompletableFuture<AppendResult> forced = store.awaitDurable(written.get());
        Thread.sleep(100);
        assertFalse(forced.isDone(), "awaitDurable waits for the force");

        SimulatedFileLayer afterPowerLoss = layer.powerLoss();
        assertNotEquals(AppendStatus.PUT_OK, forced.get(10, TimeUnit.SECONDS).status());
        try (MessageStore recovered = MessageStore.open(Records.smallStore(dir), afterPowerLoss, clock)) {
            assertEquals(end, recovered.commitLogMaxOffset(), "the unforced record is gone");
            assertNull(recovered.read(written.get().physicalOffset()));
        }
        closeDead(store);
    }

    @Test
    void aLaterForceMakesEveryEarlierWrittenRecordDurableAcrossSegments() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock);
        // The prefiller's force of a segment's zeros would make records in it durable too: let it finish the
        // first segment (64 KiB, smaller than its window) before the written records go there.
        store.append(Records.record("q", 0, "first", 10));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!layer.isDurable(segment(0), 0, SEGMENT) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(layer.isDurable(segment(0), 0, SEGMENT), "the first segment is prefilled");
        List<AppendResult> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {             // 40 × 2 KB: rolls past the 64 KiB first segment
            AppendResult result = store.appendBatchWrittenAsync(
                    List.of(Records.record("q", 0, "w" + i, 2_000))).get();
            assertEquals(AppendStatus.PUT_OK, result.status());
            written.add(result);
        }
        assertNotEquals(segment(written.get(0).physicalOffset()),
                segment(written.get(written.size() - 1).physicalOffset()), "the written records span two segments");
        long firstSegmentEnd = written.get(0).physicalOffset() + written.get(0).records().get(0).size();
        assertFalse(layer.isDurable(segment(written.get(0).physicalOffset()),
                        written.get(0).physicalOffset() % SEGMENT, firstSegmentEnd % SEGMENT),
                "the first written record is not durable yet");

        // A record in a later segment, appended and forced as SYNC_FLUSH does: its force covers the others.
        AppendResult decision = store.append(Records.record("op", 0, "decision", 50));
        assertEquals(AppendStatus.PUT_OK, decision.status());
        assertNotEquals(segment(written.get(0).physicalOffset()), segment(decision.physicalOffset()),
                "the written records start in an earlier segment than the forced one");

        SimulatedFileLayer afterPowerLoss = layer.powerLoss();
        try (MessageStore recovered = MessageStore.open(Records.smallStore(dir), afterPowerLoss, clock)) {
            for (int i = 0; i < written.size(); i++) {
                StoredMessage message = recovered.read(written.get(i).physicalOffset());
                assertNotNull(message, "written record " + i + " was lost though a later force covered it");
                assertEquals("w" + i, Records.nameOf(message.body()));
            }
            assertEquals("decision", Records.nameOf(recovered.read(decision.physicalOffset()).body()));
        }
        closeDead(store);
    }

    @Test
    void aFailedWriteIsAnsweredWithAnErrorAndLeavesNoRecord() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            long before = store.commitLogMaxOffset();
            layer.failWrites("disk says no");
            MessageRecord record = Records.record("q", 0, "lost", 100);
            AppendResult failed = store.appendBatchWrittenAsync(List.of(record)).get();
            layer.failWrites(null);
            assertEquals(AppendStatus.IO_ERROR, failed.status());
            assertTrue(failed.records().isEmpty(), "nothing of it counts");
            assertEquals(before, store.commitLogMaxOffset());
            assertThrows(IllegalArgumentException.class, () -> store.awaitDurable(failed));
        }
    }

}
