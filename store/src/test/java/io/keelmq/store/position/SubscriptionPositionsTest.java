package io.keelmq.store.position;

import io.keelmq.store.MessageStore;
import io.keelmq.store.testing.MutableClock;
import io.keelmq.store.testing.Records;
import io.keelmq.store.testing.SimulatedFileLayer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriptionPositionsTest {
    private final Path file = Path.of("/sim/positions/config/positions");
    private final SimulatedFileLayer layer = new SimulatedFileLayer();

    @Test
    void outOfOrderAcknowledgementsRaiseTheWatermarkOnlyWhenContiguous() {
        SubscriptionPositions positions = new SubscriptionPositions(layer, file);
        positions.register("queue:orders", "queue/orders");
        PartitionPosition position = positions.position("queue:orders", 2, 10);
        positions.ack("queue:orders", 2, 12);
        positions.ack("queue:orders", 2, 11);
        assertEquals(10, position.lowWatermark());
        assertTrue(position.isAcked(11) && position.isAcked(12) && !position.isAcked(10) && !position.isAcked(13));
        positions.ack("queue:orders", 2, 10);
        assertEquals(13, position.lowWatermark(), "10, 11, 12 are contiguous now");
        assertFalse(positions.ack("queue:orders", 2, 5), "below the watermark: already acknowledged");
        positions.ackUpTo("queue:orders", 2, 20);
        assertEquals(20, position.lowWatermark());
        positions.ack("queue:orders", 2, 21);
        positions.reset("queue:orders", 2, 3);
        assertEquals(3, position.lowWatermark());
        assertFalse(position.isAcked(21), "a reset forgets individual acknowledgements");
    }

    @Test
    void persistedPositionsReloadExactlyAndSurviveAPowerLoss() throws IOException {
        SubscriptionPositions positions = new SubscriptionPositions(layer, file);
        positions.register("durable:client-1:audit sub", "topic/audit events");
        positions.position("durable:client-1:audit sub", 0, 0);
        for (long offset : new long[]{0, 1, 2, 5, 7}) {
            positions.ack("durable:client-1:audit sub", 0, offset);
        }
        positions.register("queue:idle", "queue/idle");
        positions.persist();
        positions.ack("durable:client-1:audit sub", 0, 3);   // after the persist: may be lost

        SubscriptionPositions reloaded = new SubscriptionPositions(layer.powerLoss(), file);
        reloaded.load();
        assertEquals(2, reloaded.all().size());
        SubscriptionPositions.Subscription audit = reloaded.find("durable:client-1:audit sub");
        assertEquals("topic/audit events", audit.destination());
        PartitionPosition position = audit.partitions().get(0);
        assertEquals(3, position.lowWatermark());
        assertTrue(position.isAcked(5) && position.isAcked(7) && !position.isAcked(3) && !position.isAcked(6));
        assertTrue(reloaded.find("queue:idle").partitions().isEmpty());
    }

    @Test
    void aMalformedPositionsFileIsReportedWithItsLine() throws IOException {
        layer.writeAtomically(file, "# keelmq subscription positions v1\nq queue/x 0 notanumber -\n"
                .getBytes(StandardCharsets.UTF_8));
        IOException e = assertThrows(IOException.class, () -> new SubscriptionPositions(layer, file).load());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void theStoreKeepsPositionsAcrossACleanRestart() throws IOException {
        MutableClock clock = new MutableClock(1_700_000_000_000L);
        Path dir = Path.of("/sim/positions-store");
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            store.positions().register("queue:q", "queue/q");
            store.positions().position("queue:q", 1, 0);
            store.positions().ack("queue:q", 1, 0);
            store.positions().ack("queue:q", 1, 2);
        }
        try (MessageStore store = MessageStore.open(Records.smallStore(dir), layer, clock)) {
            PartitionPosition position = store.positions().find("queue:q").partitions().get(1);
            assertEquals(1, position.lowWatermark());
            assertTrue(position.isAcked(2));
        }
    }

    @Test
    void aSnapshotReplacesASlavesPositionsWholeAndDurably() throws IOException {
        SubscriptionPositions master = new SubscriptionPositions(layer, Path.of("/sim/master/config/positions"));
        master.register("durable:7:audit 1:a", "topic/audit events");
        master.position("durable:7:audit 1:a", 0, 0);
        master.position("durable:7:audit 1:a", 1, 4);
        for (long offset : new long[]{0, 1, 3}) {
            master.ack("durable:7:audit 1:a", 0, offset);
        }
        master.register("queue/idle", "queue/idle");
        long changes = master.changes();
        byte[] snapshot = master.snapshot();
        assertEquals(changes, master.changes(), "a snapshot is no change");

        SubscriptionPositions slave = new SubscriptionPositions(layer, file);
        slave.register("queue/only-on-the-slave", "queue/only-on-the-slave");
        slave.replaceWith(snapshot);
        assertTrue(slave.find("queue/only-on-the-slave") == null, "the master's positions replace the slave's");
        assertEquals(2, slave.all().size());
        PartitionPosition p0 = slave.find("durable:7:audit 1:a").partitions().get(0);
        assertEquals(2, p0.lowWatermark());
        assertTrue(p0.isAcked(3) && !p0.isAcked(2));
        assertEquals(4, slave.find("durable:7:audit 1:a").partitions().get(1).lowWatermark());

        SubscriptionPositions reloaded = new SubscriptionPositions(layer.powerLoss(), file);
        reloaded.load();
        assertEquals(new String(snapshot, StandardCharsets.UTF_8), new String(reloaded.snapshot(),
                StandardCharsets.UTF_8), "replaceWith wrote the snapshot durably");

        IOException malformed = assertThrows(IOException.class,
                () -> slave.replaceWith("queue%2Fx queue/x 0 notanumber -\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(malformed.getMessage().contains("replicated snapshot line 1"), malformed.getMessage());
        assertEquals(2, slave.all().size(), "a malformed snapshot changes nothing");
    }

    @Test
    void clampToMovesOnlyPositionsBeyondTheirQueuesEndBack() {
        SubscriptionPositions positions = new SubscriptionPositions(layer, file);
        positions.register("queue/orders", "queue/orders");
        positions.position("queue/orders", 0, 0);
        positions.ackUpTo("queue/orders", 0, 10);       // acknowledged on a master up to 10
        positions.position("queue/orders", 1, 0);
        positions.ackUpTo("queue/orders", 1, 3);
        positions.ack("queue/orders", 1, 5);
        long before = positions.changes();

        int moved = positions.clampTo((destination, partition) -> partition == 0 ? 7 : 6);
        assertEquals(1, moved);
        assertEquals(7, positions.find("queue/orders").partitions().get(0).lowWatermark(), "back to the queue's end");
        PartitionPosition within = positions.find("queue/orders").partitions().get(1);
        assertEquals(3, within.lowWatermark());
        assertTrue(within.isAcked(5), "a position within its queue keeps its acknowledgements");
        assertTrue(positions.changes() > before);
    }
}
