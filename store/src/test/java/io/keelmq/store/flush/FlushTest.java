package io.keelmq.store.flush;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.FlushDiskType;
import io.keelmq.store.MessageStore;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlushTest {
    private final Path dir = Path.of("/sim/flush");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);

    interface StoreBody {
        void run(MessageStore store) throws Exception;
    }

    /** Opens the store, runs the body, and releases held forces before closing, even when an assertion failed. */
    private void withStore(io.keelmq.store.StoreConfig config, StoreBody body) throws Exception {
        MessageStore store = MessageStore.open(config, layer, clock);
        try {
            body.run(store);
        } finally {
            layer.openForceGate();
            store.close();
        }
    }

    @Test
    void concurrentAppendersShareOneForce() throws Exception {
        withStore(Records.smallStore(dir), store -> {
            store.append(Records.record("q", 0, "warm-up", 10));
            layer.closeForceGate();
            // The first append's force is held at the gate; the rest queue up behind it.
            List<CompletableFuture<AppendResult>> pending = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                pending.add(store.appendAsync(Records.record("q", 0, "m" + i, 100)));
            }
            Thread.sleep(100);
            assertTrue(pending.stream().noneMatch(CompletableFuture::isDone), "no append is answered before its force");
            long forcesBefore = layer.forces(dir.resolve("commitlog"));
            layer.openForceGate();
            for (CompletableFuture<AppendResult> future : pending) {
                assertEquals(AppendStatus.PUT_OK, future.get(10, TimeUnit.SECONDS).status());
            }
            long forcesForFifty = layer.forces(dir.resolve("commitlog")) - forcesBefore;
            // One commit-log force (plus at most one more group) for 50 appends, far from one each.
            assertTrue(forcesForFifty <= 4, "50 appends took " + forcesForFifty + " forces");
        });
    }

    @Test
    void anAppendNotForcedInTimeAnswersFlushDiskTimeout() throws Exception {
        withStore(Records.smallStore(dir).syncFlushTimeout(200), store -> {
            layer.closeForceGate();
            AppendResult result = store.append(Records.record("q", 0, "slow", 10));
            assertEquals(AppendStatus.FLUSH_DISK_TIMEOUT, result.status());
            assertTrue(result.error().contains("syncFlushTimeout 200"), result.error());
            assertTrue(result.physicalOffset() >= 0, "the record was written, only not confirmed durable");
            layer.openForceGate();
        });
    }

    @Test
    void asyncFlushAnswersAtOnceAndForcesOnTheInterval() throws Exception {
        var config = Records.smallStore(dir).flushDiskType(FlushDiskType.ASYNC_FLUSH).flushIntervalCommitLog(20);
        withStore(config, store -> {
            layer.closeForceGate();
            AppendResult result = store.append(Records.record("q", 0, "fast", 10));
            assertEquals(AppendStatus.PUT_OK, result.status(), "ASYNC_FLUSH does not wait for the disk");
            Path segment = dir.resolve("commitlog").resolve(String.format("%020d", 0));
            int size = result.records().get(0).size();
            assertFalse(layer.isDurable(segment, 0, size), "nothing is durable while forces are held");
            layer.openForceGate();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (store.commitLogFlushedOffset() <= result.physicalOffset() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(store.commitLogFlushedOffset() > result.physicalOffset(), "the interval flusher forced it");
            assertTrue(layer.isDurable(segment, 0, size), "durable after the interval's force");
        });
    }

    @Test
    void syncFlushDispatchesInOrderBeforeAnswering() throws Exception {
        withStore(Records.smallStore(dir), store -> {
            List<Long> arrivedOffsets = java.util.Collections.synchronizedList(new ArrayList<>());
            store.addArrivalListener((destination, partition, maxQueueOffset) -> {
                arrivedOffsets.add(maxQueueOffset);
            });
            layer.closeForceGate();
            List<CompletableFuture<Boolean>> visibleWhenAnswered = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                visibleWhenAnswered.add(store.appendAsync(Records.record("q", 0, "m" + i, 100)).thenApply(result -> {
                    AppendResult.AppendedRecord last = result.records().get(result.records().size() - 1);
                    return store.dispatchedOffset() >= last.physicalOffset() + last.size();
                }));
            }
            layer.openForceGate();
            for (CompletableFuture<Boolean> visible : visibleWhenAnswered) {
                assertTrue(visible.get(10, TimeUnit.SECONDS), "an append is answered only once it is dispatched");
            }
            for (int i = 1; i < arrivedOffsets.size(); i++) {
                assertTrue(arrivedOffsets.get(i) > arrivedOffsets.get(i - 1), "dispatched in order: " + arrivedOffsets);
            }
            assertEquals(50L, arrivedOffsets.get(arrivedOffsets.size() - 1));
        });
    }
}
