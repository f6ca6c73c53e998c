package io.keelmq.store.queue;

import io.keelmq.store.AppendResult;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumeQueueTest {
    private final Path dir = Path.of("/sim/cq");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);

    @Test
    void eachPartitionHasItsOwnDenseLogicalOffsets() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            List<AppendResult> results = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                results.add(store.append(MessageRecord.builder(i % 2 == 0 ? "even" : "odd").partition(i % 3)
                        .tag("t" + (i % 4)).body("n" + i + ":").build()));
            }
            awaitDispatched(store);
            for (int i = 0; i < 100; i++) {
                String destination = i % 2 == 0 ? "even" : "odd";
                ConsumeQueue queue = store.consumeQueue(destination, i % 3);
                ConsumeQueueEntry entry = queue.get(results.get(i).queueOffset());
                assertEquals(results.get(i).physicalOffset(), entry.physicalOffset());
                assertEquals(results.get(i).records().get(0).size(), entry.size());
                assertEquals(MessageRecord.tagHash("t" + (i % 4)), entry.tagHash());
            }
            int total = 0;
            for (String destination : List.of("even", "odd")) {
                for (int partition : store.partitions(destination)) {
                    assertEquals(0, store.minQueueOffset(destination, partition));
                    total += store.maxQueueOffset(destination, partition);
                }
            }
            assertEquals(100, total);
            assertNull(store.consumeQueue("even", 0).get(store.maxQueueOffset("even", 0)), "past max is empty");
        }
    }

    @Test
    void readsAcrossConsumeQueueFilesInOrder() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            for (int i = 0; i < 200; i++) {             // 32 entries per file: 7 files
                store.append(Records.record("q", 0, "m" + i, 20));
            }
            awaitDispatched(store);
            List<String> names = new ArrayList<>();
            long offset = 0;
            while (offset < store.maxQueueOffset("q", 0)) {
                List<StoredMessage> batch = store.readQueue("q", 0, offset, 50);
                assertTrue(batch.size() <= 32, "a read stops at a file end");
                batch.forEach(m -> names.add(Records.nameOf(m.body())));
                offset += batch.size();
            }
            assertEquals(200, names.size());
            for (int i = 0; i < 200; i++) {
                assertEquals("m" + i, names.get(i));
            }
        }
    }

    @Test
    void findsTheFirstOffsetAtOrAfterATimestamp() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            long start = clock.millis();
            for (int i = 0; i < 100; i++) {
                store.append(Records.record("q", 0, "m" + i, 20));
                clock.advanceMillis(10);               // message i stored at start + 10 i
            }
            awaitDispatched(store);
            assertEquals(0, store.queueOffsetAtTime("q", 0, start - 1_000));
            assertEquals(0, store.queueOffsetAtTime("q", 0, start));
            assertEquals(1, store.queueOffsetAtTime("q", 0, start + 1));
            assertEquals(37, store.queueOffsetAtTime("q", 0, start + 370));
            assertEquals(38, store.queueOffsetAtTime("q", 0, start + 375));
            assertEquals(99, store.queueOffsetAtTime("q", 0, start + 990));
            assertEquals(100, store.queueOffsetAtTime("q", 0, start + 5_000), "after the newest: the max offset");
        }
    }

    @Test
    void storeTimestampsNeverGoBackwardsWhenTheClockDoes() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            AppendResult first = store.append(Records.record("q", 0, "a", 10));
            clock.advanceMillis(-60_000);
            AppendResult second = store.append(Records.record("q", 0, "b", 10));
            assertTrue(store.read(second.physicalOffset()).storeTimestamp()
                    >= store.read(first.physicalOffset()).storeTimestamp());
        }
    }
}
