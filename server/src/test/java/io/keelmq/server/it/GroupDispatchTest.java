package io.keelmq.server.it;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The broker's message groups at the protocol level (Subscription with MessageGroups): group order wins over
 * priority within a claim, and a group with a message in flight to one consumer is passed over for another consumer,
 * without holding back other messages, and handed to it, in order, once the first has acknowledged.
 */
class GroupDispatchTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("grouped");

    private static void send(TestClient client, String text, String group, int priority) throws Exception {
        WireMessage message = TestClient.text(QUEUE, text);
        message.setPriority(priority);
        if (group != null) {
            message.setProperty("JMSXGroupID", group);
        }
        requireOk(client.send(message));
    }

    private static List<String> texts(List<Delivered> deliveries) {
        List<String> texts = new ArrayList<>();
        for (Delivered delivered : deliveries) {
            texts.add(delivered.text());
        }
        return texts;
    }

    @Test
    void groupOrderWinsOverPriority() throws Exception {
        TestClient producer = client(null);
        send(producer, "g0", "G", 1);
        send(producer, "g1", "G", 9);
        send(producer, "u", null, 5);
        send(producer, "g2", "G", 0);
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        // g1's priority 9 carries g0 along ahead of u (5); g2 keeps its own place behind u.
        assertEquals(List.of("g0", "g1", "u", "g2"), texts(consumer.pull(1, 32, 0)));
    }

    @Test
    void aGroupInFlightToOneConsumerIsPassedOverForAnotherUntilAcknowledged() throws Exception {
        TestClient producer = client(null);
        send(producer, "g0", "G", 4);
        TestClient first = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> held = first.pull(1, 1, 1_000);
        assertEquals(List.of("g0"), texts(held));

        send(producer, "g1", "G", 4);
        send(producer, "g2", "G", 4);
        send(producer, "h0", "H", 4);
        send(producer, "h1", "H", 4);
        TestClient second = consumer(null, 2, QUEUE, Map.of());
        List<Delivered> others = second.pull(2, 10, 500);
        assertEquals(List.of("h0", "h1"), texts(others), "G's later messages wait for its owner; H is not held up");
        assertEquals(List.of(), texts(second.pull(2, 10, 300)), "still nothing of G while g0 is in flight");

        first.ack(1, held);
        // G has nothing in flight now: whoever claims next owns it, starting with its oldest message.
        assertEquals(List.of("g1", "g2"), texts(second.pull(2, 10, 1_000)));
    }

    @Test
    void theAcknowledgementThatFreesAGroupWakesAPullThatPassedItOver() throws Exception {
        TestClient producer = client(null);
        send(producer, "g0", "G", 4);
        TestClient first = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> held = first.pull(1, 1, 1_000);
        assertEquals(List.of("g0"), texts(held));
        send(producer, "g1", "G", 4);

        TestClient second = consumer(null, 2, QUEUE, Map.of());
        CompletableFuture<Frame> waiting = second.requestAsync(RequestCode.PULL, Map.of("consumerId", "2",
                "maxMessages", "10", "maxBytes", Long.toString(1L << 20), "holdMillis", "10000"), null);
        Thread.sleep(300);
        assertFalse(waiting.isDone(), "g1 belongs to the first consumer's group: the pull is held");

        first.ack(1, held);
        Frame answer = requireOk(waiting.get(3, TimeUnit.SECONDS)); // not the 10 s hold
        assertEquals(List.of("g1"), texts(TestClient.deliveries(answer.body(), false).deliveries));
    }
}
