package io.keelmq.store.recovery;

import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.FlushDiskType;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file layer that forgets every write not yet forced stands in for a machine that
 * loses power: SYNC_FLUSH must acknowledge only what a force has made durable, and
 * recovery must cope with whatever tail the loss left.
 */
class PowerLossTest {
    private final Path dir = Path.of("/sim/power");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    /** The store on the dead machine can only stop its threads; its close must report the failure. */
    private static void closeDead(MessageStore store) {
        assertThrows(java.io.IOException.class, store::close);
    }

    private Path segment(long offset) {
        return dir.resolve("commitlog").resolve(String.format("%020d", offset - offset % (64 * 1024)));
    }

    @Test
    void everyAcknowledgedRecordSurvivesAPowerLossInTheMiddleOfLoad() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock);
        Map<String, Long> acknowledged = new ConcurrentHashMap<>();
        List<String> notDurableAtAck = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sequence = new AtomicInteger();
        Thread[] appenders = new Thread[8];
        for (int t = 0; t < appenders.length; t++) {
            appenders[t] = new Thread(() -> {
                while (!stop.get()) {
                    String name = "m" + sequence.incrementAndGet();
                    AppendResult result = store.append(Records.record("q", name.hashCode() & 3, name,
                            ThreadLocalRandom.current().nextInt(10, 2_000)));
                    if (result.status() != AppendStatus.PUT_OK) {
                        continue;               // after the power loss every append fails
                    }
                    long end = result.physicalOffset() + result.records().get(0).size();
                    // A record's bytes never change once written: checking them at acknowledgement time is exact.
                    long base = result.physicalOffset() - result.physicalOffset() % (64 * 1024);
                    if (!layer.isDurable(segment(result.physicalOffset()), result.physicalOffset() - base, end - base)) {
                        notDurableAtAck.add(name);
                    }
                    acknowledged.put(name, result.physicalOffset());
                }
            });
            appenders[t].start();
        }
        while (acknowledged.size() < 1_500) {
            Thread.sleep(1);
        }
        SimulatedFileLayer afterPowerLoss = layer.powerLoss();
        stop.set(true);
        for (Thread appender : appenders) {
            appender.join();
        }
        assertEquals(List.of(), notDurableAtAck, "acknowledged before its bytes were forced");

        try (MessageStore recovered = MessageStore.open(Records.smallStore(dir), afterPowerLoss, clock)) {
            assertFalse(recovered.recoveryReport().cleanShutdown());
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                StoredMessage message = recovered.read(ack.getValue());
                assertEquals(ack.getKey(), Records.nameOf(message.body()), "acknowledged record lost at " + ack.getValue());
            }
            awaitDispatched(recovered);
            long queued = 0;
            for (int partition = 0; partition < 4; partition++) {
                queued += recovered.maxQueueOffset("q", partition);
            }
            assertTrue(queued >= acknowledged.size(), "consume queues hold every surviving record");
            assertEquals(AppendStatus.PUT_OK, recovered.append(Records.record("q", 0, "after", 10)).status());
        }
        closeDead(store);
    }

    @Test
    void anAppendWhoseForceNeverHappenedIsNeitherAcknowledgedNorKept() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock);
        AppendResult first = store.append(Records.record("q", 0, "durable", 100));
        layer.closeForceGate();
        CompletableFuture<AppendResult> held = store.appendAsync(Records.record("q", 0, "held", 100));
        Thread.sleep(200);
        assertFalse(held.isDone(), "answered before its force");
        SimulatedFileLayer afterPowerLoss = layer.powerLoss();
        assertNotEquals(AppendStatus.PUT_OK, held.get(10, TimeUnit.SECONDS).status());

        try (MessageStore recovered = MessageStore.open(Records.smallStore(dir), afterPowerLoss, clock)) {
            long end = first.physicalOffset() + first.records().get(0).size();
            assertEquals(end, recovered.commitLogMaxOffset(), "the unforced record is gone");
            assertEquals("durable", Records.nameOf(recovered.read(first.physicalOffset()).body()));
            assertEquals(1, recovered.maxQueueOffset("q", 0));
        }
        closeDead(store);
    }

    @Test
    void asyncFlushLosesOnlyTheUnforcedTailAndRecoveryKeepsQueuesConsistent() throws Exception {
        SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
        // No prefill: its forces would make the unforced tail durable by chance, and this is about losing it.
        var config = Records.smallStore(dir).flushDiskType(FlushDiskType.ASYNC_FLUSH).flushIntervalCommitLog(60_000)
                .commitLogPrefill(false);
        MessageStore store = MessageStore.open(config, layer, clock);
        for (int i = 0; i < 100; i++) {
            store.append(Records.record("q", 0, "a" + i, 500));
        }
        awaitDispatched(store);
        store.checkpoint();             // consume queues durable, commit log not forced since
        SimulatedFileLayer afterPowerLoss = layer.powerLoss();
        try (MessageStore recovered = MessageStore.open(config, afterPowerLoss, clock)) {
            long kept = recovered.maxQueueOffset("q", 0);
            assertTrue(kept < 100, "some unforced records were lost: " + kept);
            for (long offset = 0; offset < kept; offset++) {
                assertEquals("a" + offset, Records.nameOf(recovered.readQueue("q", 0, offset, 1).get(0).body()),
                        "consume queue entry " + offset + " points at the right record");
            }
            assertEquals(kept, recovered.append(Records.record("q", 0, "next", 10)).queueOffset());
        }
        closeDead(store);
    }
}
