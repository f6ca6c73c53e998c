package io.keelmq.server.it;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.persist.AtomicTextFile;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promise behind JMSRedelivered after a crash: a delivered message is below the "delivered up to" mark on disk,
 * although the broker reserves the marks ahead in the background. Read after each answer, so this catches a mark that
 * is missing or too low; that none is written late is what CrashTest's SIGKILL shows.
 */
class DeliveryMarkTest {
    private static final DestinationRef QUEUE = DestinationRef.queue("marked");
    private static final int CHUNK = 10;

    @TempDir
    Path dir;

    @Test
    void everyDeliveredMessageIsBelowTheMarkOnDisk() throws Exception {
        Broker broker = Broker.start(TestBrokers.config(dir).set(ConfigKeys.DELIVERY_MARK_CHUNK, CHUNK).build());
        try (TestClient producer = TestClient.open(broker.listenAddress(), null);
             TestClient consumer = TestClient.open(broker.listenAddress(), null)) {
            int total = 200;
            for (int i = 0; i < total; i++) {
                requireOk(producer.sendText(QUEUE, "m" + i));
            }
            consumer.createSession(1, "CLIENT");
            requireOk(consumer.createConsumer(1, 1, QUEUE.kind(), QUEUE.name(), Map.of()));
            int received = 0;
            while (received < total) {
                // One at a time, and in small batches that cross chunk boundaries within one claim.
                List<Delivered> batch = consumer.pull(1, received % 3 == 0 ? 1 : 7, 1_000);
                assertTrue(!batch.isEmpty(), "messages left after " + received);
                Map<Integer, Long> onDisk = marksOnDisk();
                for (Delivered d : batch) {
                    long mark = onDisk.getOrDefault(d.partition(), 0L);
                    assertTrue(d.offset() < mark, "partition " + d.partition() + " offset " + d.offset()
                            + " delivered with the mark on disk at " + mark);
                }
                consumer.ack(1, batch);
                received += batch.size();
            }
            assertEquals(total, received);
        } finally {
            broker.close();
        }
    }

    /** The file as a crash would leave it, per partition (one subscription here). */
    private Map<Integer, Long> marksOnDisk() throws Exception {
        Map<Integer, Long> marks = new HashMap<>();
        for (String[] record : new AtomicTextFile(dir.resolve("config").resolve("delivery-marks"), "").read()) {
            marks.put(Integer.parseInt(record[1]), Long.parseLong(record[2]));
        }
        return marks;
    }
}
