package io.keelmq.server.it;

import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Claims read their messages ahead, outside the subscription's lock (Subscription.claim with ReadAhead): competing
 * consumers read consecutive ranges, each message is read from the commit log once, and what is delivered is exactly
 * what a claim under the lock would deliver (each message once, in order per consumer, as a first delivery).
 */
class ReadAheadTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("read-ahead");

    @Test
    void competingConsumersReadEachMessageOnceAndGetItOnce() throws Exception {
        TestClient producer = client(null);
        for (int i = 0; i < 400; i++) {
            requireOk(producer.sendText(QUEUE, "m" + i));
        }
        TestClient first = consumer(null, 1, QUEUE, Map.of());
        TestClient second = consumer(null, 2, QUEUE, Map.of());
        long readsBefore = broker.store().recordsRead();

        Set<String> received = new HashSet<>();
        for (int round = 0; round < 2; round++) {
            for (int consumer = 1; consumer <= 2; consumer++) {
                TestClient client = consumer == 1 ? first : second;
                List<Delivered> batch = client.pull(consumer, 100, 0);
                assertEquals(100, batch.size(), "round " + round + ", consumer " + consumer);
                for (Delivered delivered : batch) {
                    assertEquals(1, delivered.deliveryCount(), delivered.text());
                    assertTrue(received.add(delivered.text()), "delivered twice: " + delivered.text());
                }
                client.ack(consumer, batch);
            }
        }
        long reads = broker.store().recordsRead() - readsBefore;

        assertEquals(400, received.size());
        assertEquals(400, reads, "every message read from the commit log exactly once");
        assertEquals(List.of(), first.pull(1, 100, 0), "all acknowledged: nothing left");
    }

    @Test
    void concurrentClaimsDeliverEveryMessageExactlyOnce() throws Exception {
        int count = 3_000;
        TestClient producer = client(null);
        for (int i = 0; i < count; i++) {
            requireOk(producer.sendText(QUEUE, "m" + i));
        }
        int consumers = 4;
        List<TestClient> clients = new ArrayList<>();
        for (int c = 1; c <= consumers; c++) {
            clients.add(consumer(null, c, QUEUE, Map.of()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(consumers);
        try {
            List<Future<List<Delivered>>> results = new ArrayList<>();
            for (int c = 1; c <= consumers; c++) {
                long consumerId = c;
                TestClient client = clients.get(c - 1);
                results.add(pool.submit(() -> {
                    List<Delivered> mine = new ArrayList<>();
                    while (true) {
                        List<Delivered> batch = client.pull(consumerId, 37, 200);
                        if (batch.isEmpty()) {
                            return mine;
                        }
                        client.ack(consumerId, batch);
                        mine.addAll(batch);
                    }
                }));
            }
            Set<String> seen = new HashSet<>();
            for (Future<List<Delivered>> result : results) {
                Map<Integer, Long> previous = new HashMap<>();
                for (Delivered delivered : result.get(60, TimeUnit.SECONDS)) {
                    assertTrue(seen.add(delivered.text()), "delivered twice: " + delivered.text());
                    assertEquals(1, delivered.deliveryCount(), delivered.text());
                    assertTrue(delivered.offset() > previous.getOrDefault(delivered.partition(), -1L),
                            "a consumer's messages of a partition arrive in queue order");
                    previous.put(delivered.partition(), delivered.offset());
                }
            }
            assertEquals(count, seen.size());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A claim counts bytes by an estimate (the messages are encoded after the lock); a message whose wire form would
     * carry the answer past the pull's maxBytes goes back uncounted and comes with a later pull as a first delivery.
     */
    @Test
    void messagesPastTheByteBudgetOnceEncodedGoBackUncounted() throws Exception {
        TestClient producer = client(null);
        String longType = "t".repeat(2_000);
        for (int i = 0; i < 3; i++) {
            WireMessage message = TestClient.text(QUEUE, "m" + i);
            message.setType(longType);
            requireOk(producer.send(message));
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        Set<String> received = new HashSet<>();
        for (int pull = 0; pull < 3; pull++) {
            List<Delivered> batch = TestClient.deliveries(requireOk(consumer.request(RequestCode.PULL,
                    Map.of("consumerId", "1", "maxMessages", "10", "maxBytes", "3000", "holdMillis", "0"), null))
                    .body(), false).deliveries;
            assertEquals(1, batch.size(), "each message is over 2,000 bytes on the wire: one per 3,000-byte answer");
            Delivered delivered = batch.get(0);
            assertEquals(1, delivered.deliveryCount(), delivered.text());
            assertFalse(delivered.message().isRedelivered(), delivered.text());
            assertEquals(longType, delivered.message().getType());
            received.add(delivered.text());
            consumer.ack(1, batch);
        }
        assertEquals(Set.of("m0", "m1", "m2"), received);
    }
}
