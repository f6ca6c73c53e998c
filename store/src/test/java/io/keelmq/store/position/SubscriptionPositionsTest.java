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
}
