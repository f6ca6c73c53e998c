package io.keelmq.server.it;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's priority dispatch (Subscription.claimNew): highest JMSPriority first within a window of 256 queue
 * offsets per partition, equal priorities in offset order, and no starvation of a low-priority message.
 * All messages here come from one session, hence one partition.
 */
class PriorityDispatchTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("prioritised");
    private static final int WINDOW = 256;

    private static void send(TestClient client, String text, int priority) throws Exception {
        WireMessage message = TestClient.text(QUEUE, text);
        message.setPriority(priority);
        requireOk(client.send(message));
    }

    @Test
    void oneClaimOrdersItsWindowByPriorityThenOffset() throws Exception {
        TestClient producer = client(null);
        int[] priorities = {3, 7, 3, 0, 9, 7, 4, 9, 0, 4};
        for (int i = 0; i < priorities.length; i++) {
            send(producer, "m" + i, priorities[i]);
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<String> texts = new ArrayList<>();
        for (Delivered delivered : consumer.pull(1, 32, 0)) {
            texts.add(delivered.text());
        }
        assertEquals(List.of("m4", "m7", "m1", "m5", "m6", "m9", "m0", "m2", "m3", "m8"), texts);
    }

    @Test
    void aLowPriorityMessageIsOvertakenByAtMostTheWindowOfLaterMessages() throws Exception {
        TestClient producer = client(null);
        send(producer, "low", 0);
        int high = WINDOW + 100;
        for (int i = 0; i < high; i++) {
            send(producer, "high" + i, 9);
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        int position = -1;
        for (int i = 0; i <= high && position < 0; i++) {
            List<Delivered> one = consumer.pull(1, 1, 1_000);
            assertEquals(1, one.size(), "pull " + i);
            consumer.ack(1, one);
            if (i == 0) {
                assertEquals("high0", one.get(0).text(), "the expedited messages go first");
            }
            if (one.get(0).text().equals("low")) {
                position = i;
            }
        }
        assertTrue(position > 0 && position < WINDOW,
                "the low-priority message came after " + position + " later ones; the window is " + WINDOW);
    }
}
