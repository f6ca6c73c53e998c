package io.keelmq.store.index;

import io.keelmq.store.AppendResult;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.keelmq.store.testing.StoreTests.awaitDispatched;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageIndexTest {
    private final Path dir = Path.of("/sim/index");
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private final SimulatedFileLayer layer = new SimulatedFileLayer(clock::millis);
    private static final long ALL_TIME = Long.MAX_VALUE;

    private static List<String> names(List<StoredMessage> messages) {
        return messages.stream().map(m -> Records.nameOf(m.body())).sorted().toList();
    }

    @Test
    void findsMessagesByEachOfSeveralKeysAndById() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            store.append(MessageRecord.builder("q").messageId("ID:1").keys("order-7 customer-3").body("a:").build());
            store.append(MessageRecord.builder("q").messageId("ID:2").keys("order-8 customer-3").body("b:").build());
            store.append(MessageRecord.builder("other").messageId("ID:3").keys("customer-3").body("c:").build());
            awaitDispatched(store);
            assertEquals(List.of("a"), names(store.queryByKey("order-7", 0, ALL_TIME, 10)));
            assertEquals(List.of("a", "b", "c"), names(store.queryByKey("customer-3", 0, ALL_TIME, 10)));
            assertEquals(List.of("b"), names(store.queryByMessageId("ID:2", 0, ALL_TIME)));
            assertEquals(List.of(), store.queryByKey("order-9", 0, ALL_TIME, 10));
            assertEquals(List.of(), store.queryByKey("ID:1", 0, ALL_TIME, 10), "ids and keys do not mix");
            assertEquals(2, store.queryByKey("customer-3", 0, ALL_TIME, 2).size(), "max is honoured");
        }
    }

    @Test
    void restrictsByStoreTimeRange() throws Exception {
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            long t0 = clock.millis();
            for (int i = 0; i < 5; i++) {
                store.append(MessageRecord.builder("q").keys("k").body("m" + i + ":").build());
                clock.advanceMillis(60_000);
            }
            awaitDispatched(store);
            assertEquals(List.of("m1", "m2", "m3"), names(store.queryByKey("k", t0 + 60_000, t0 + 180_000, 10)));
            assertEquals(List.of("m4"), names(store.queryByKey("k", t0 + 200_000, ALL_TIME, 10)));
        }
    }

    @Test
    void survivesRestartAndSpansIndexFiles() throws Exception {
        // 256 entries per index file and 2 entries per record: ~10 files.
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            for (int i = 0; i < 1200; i++) {
                store.append(Records.record("q", 0, "m" + i, 10));
            }
        }
        assertTrue(layer.list(dir.resolve("index")).size() >= 8, "index files rolled: " + layer.list(dir.resolve("index")));
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            for (int i : new int[]{0, 1, 255, 256, 599, 1199}) {
                assertEquals(List.of("m" + i), names(store.queryByKey("k-m" + i, 0, ALL_TIME, 10)), "key of m" + i);
                assertEquals(List.of("m" + i), names(store.queryByMessageId("id-m" + i, 0, ALL_TIME)), "id of m" + i);
            }
            AppendResult later = store.append(Records.record("q", 0, "late", 10));
            awaitDispatched(store);
            assertEquals(later.physicalOffset(), store.queryByKey("k-late", 0, ALL_TIME, 1).get(0).physicalOffset());
        }
    }

    @Test
    void anEntryCostsOneWriteAndTheSlotTableReachesTheFileAtFlush() throws Exception {
        Path indexDir = dir.resolve("direct-index");
        MessageIndex index = new MessageIndex(indexDir, layer, 1000, 10_000);
        index.load(true);
        index.add("id-0", List.of("key-0"), 0, 100, clock.millis());     // creates the file: its header
        long writesBefore = layer.writes(indexDir);
        for (int i = 1; i < 200; i++) {
            index.add("id-" + i, List.of("key-" + i), 100L * i, 100, clock.millis());
        }
        assertEquals(398, layer.writes(indexDir) - writesBefore, "one write per entry (an id and a key per record)");
        assertEquals(0, layer.reads(indexDir), "the slot table is not read back per entry");
        assertEquals(List.of(1200L), index.queryKey("key-12", 0, ALL_TIME, 10), "queries see the table in memory");

        index.flush();
        index.close();
        MessageIndex reopened = new MessageIndex(indexDir, layer, 1000, 10_000);
        reopened.load(true);
        for (int i : new int[]{0, 1, 99, 199}) {
            assertEquals(List.of(100L * i), reopened.queryId("id-" + i, 0, ALL_TIME, 10), "id-" + i);
            assertEquals(List.of(100L * i), reopened.queryKey("key-" + i, 0, ALL_TIME, 10), "key-" + i);
        }
        reopened.add("id-late", List.of(), 100L * 200, 100, clock.millis());
        assertEquals(List.of(100L * 200), reopened.queryId("id-late", 0, ALL_TIME, 10), "appends go on after reopening");
        reopened.close();
    }

    @Test
    void aFlushNeverClaimsEntriesWhoseSlotsAreNotOnDisk() throws Exception {
        Path indexDir = dir.resolve("power-index");
        MessageIndex index = new MessageIndex(indexDir, layer, 1000, 10_000);
        index.load(true);
        for (int i = 0; i < 50; i++) {
            index.add("id-" + i, List.of(), 100L * i, 100, clock.millis());
        }
        index.flush();
        for (int i = 50; i < 60; i++) {
            index.add("id-" + i, List.of(), 100L * i, 100, clock.millis());
        }
        // What a power loss now leaves, read as if the shutdown had been clean: the flushed header and its slots.
        SimulatedFileLayer afterLoss = layer.powerLoss();
        MessageIndex reopened = new MessageIndex(indexDir, afterLoss, 1000, 10_000);
        reopened.load(true);
        for (int i = 0; i < 50; i++) {
            assertEquals(List.of(100L * i), reopened.queryId("id-" + i, 0, ALL_TIME, 10), "id-" + i);
        }
        assertEquals(100L * 50, reopened.indexedUpTo(), "the header vouches for the flushed entries only");
        reopened.close();
        index.close();
    }
}
