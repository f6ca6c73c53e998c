package io.keelmq.server.it;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.testing.TestClient.errorOf;
import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules protocol/README.md ("Clarifications") adds for questions the client engineer raised. */
class ContractRulesTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("rules");

    @Test
    void browsingAQueueThatDoesNotExistAnswersAnEmptyPage() throws Exception {
        TestClient client = client(null);
        Frame answer = requireOk(client.request(RequestCode.BROWSE, Map.of("destination", "never-used",
                "destinationKind", "QUEUE", "fromPartition", "0", "fromOffset", "0", "maxMessages", "10"), null));
        TestClient.Page page = TestClient.deliveries(answer.body(), true);
        assertEquals(List.of(), page.deliveries);
        assertEquals(-1, page.nextPartition);
        assertEquals(-1, page.nextOffset);
        // destinationKind is optional (QUEUE); a temporary queue that is gone was deleted: an error.
        requireOk(client.request(RequestCode.BROWSE, Map.of("destination", "never-used"), null));
        assertEquals(ErrorCode.NOT_FOUND, errorOf(client.request(RequestCode.BROWSE, Map.of("destination", "gone",
                "destinationKind", "TEMPORARY_QUEUE"), null)));
    }

    @Test
    void ackForAConsumerAlreadyForgottenIsAccepted() throws Exception {
        client(null).sendText(QUEUE, "one");
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = QueueTest.drainUnacked(consumer, 1, 1);
        requireOk(consumer.closeConsumer(1, TestClient.undelivered(1, got))); // released: nothing left in flight
        consumer.ack(1, got); // consumer 1 is forgotten; the ACK has nothing to do and is still answered
        consumer.ack(99, got); // never existed: the same
        TestClient other = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> again = QueueTest.drain(other, 1);
        assertEquals(1, again.size(), "the ACKs acknowledged nothing");
        assertEquals(1, again.get(0).deliveryCount());
    }

    @Test
    void heartbeatMayBeOnewayOrARequest() throws Exception {
        TestClient client = client(null);
        client.oneway(RequestCode.HEARTBEAT, Map.of(), null);
        requireOk(client.request(RequestCode.HEARTBEAT, Map.of(), null));
        assertNull(client.nextUnsolicited(200), "a one-way heartbeat is not answered");
        client.sendText(QUEUE, "still open");
    }

    @Test
    void aDeliveryTimeNotAfterTheTimestampIsNoDelayWhateverTheClocks() throws Exception {
        TestClient producer = client(null);
        // A client whose clock runs a minute ahead: no delay asked, so no wait for the broker's clock to catch up.
        long clientNow = System.currentTimeMillis() + 60_000;
        WireMessage skewed = TestClient.text(QUEUE, "skewed");
        skewed.setTimestamp(clientNow);
        skewed.setDeliveryTime(clientNow);
        requireOk(producer.send(skewed));
        // A delay asked for (delivery time after the timestamp) is honoured by the broker's clock.
        WireMessage delayed = TestClient.text(QUEUE, "delayed");
        delayed.setDeliveryTime(delayed.getTimestamp() + 60_000);
        requireOk(producer.send(delayed));
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = consumer.pull(1, 10, 0);
        assertEquals(1, got.size());
        assertEquals("skewed", got.get(0).text());
    }

    @Test
    void aNewPullAnswersTheHeldOneEmptyFirst() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Frame> held = pull(consumer, 10, 60_000);
        CompletableFuture<Void> heldNoted = held.thenRun(() -> order.add("held"));
        Thread.sleep(100);
        assertFalse(held.isDone(), "held while the queue is empty");
        client(null).sendText(QUEUE, "for the second");
        CompletableFuture<Frame> second = pull(consumer, 10, 0);
        CompletableFuture<Void> secondNoted = second.thenRun(() -> order.add("second"));
        Frame heldAnswer = requireOk(held.get(10, TimeUnit.SECONDS));
        Frame secondAnswer = requireOk(second.get(10, TimeUnit.SECONDS));
        heldNoted.get(10, TimeUnit.SECONDS);
        secondNoted.get(10, TimeUnit.SECONDS);
        int heldCount = TestClient.deliveries(heldAnswer.body(), false).deliveries.size();
        int secondCount = TestClient.deliveries(secondAnswer.body(), false).deliveries.size();
        // The held pull may have been woken by the send before the second PULL arrived; either way exactly one
        // answer carries the message, and the held one is answered first.
        assertEquals(1, heldCount + secondCount);
        assertEquals(List.of("held", "second"), order);
        // A PULL of zero messages claims nothing: it only ends a held pull (what a closing client sends).
        CompletableFuture<Frame> third = pull(consumer, 10, 60_000);
        Frame end = requireOk(pull(consumer, 0, 0).get(10, TimeUnit.SECONDS));
        assertTrue(third.isDone(), "the held pull was answered before the zero-message PULL");
        assertEquals(0, TestClient.deliveries(end.body(), false).deliveries.size());
    }

    @Test
    void aHeldPullIsAnsweredEmptyBeforeTheCloseThatEndsIt() throws Exception {
        for (RequestCode close : List.of(RequestCode.CLOSE_CONSUMER, RequestCode.CLOSE_SESSION)) {
            TestClient consumer = consumer(null, 1, QUEUE, Map.of());
            List<String> order = new CopyOnWriteArrayList<>();
            CompletableFuture<Frame> held = pull(consumer, 10, 60_000);
            CompletableFuture<Void> heldNoted = held.thenRun(() -> order.add("pull"));
            Thread.sleep(100);
            Map<String, String> headers = close == RequestCode.CLOSE_CONSUMER ? Map.of("consumerId", "1")
                    : Map.of("sessionId", "1");
            CompletableFuture<Frame> closed = consumer.requestAsync(close, headers, null);
            CompletableFuture<Void> closedNoted = closed.thenRun(() -> order.add("close"));
            requireOk(closed.get(10, TimeUnit.SECONDS));
            Frame answer = requireOk(held.get(10, TimeUnit.SECONDS));
            // get() may return before the answering thread has run the thenRun actions: wait for them too.
            heldNoted.get(10, TimeUnit.SECONDS);
            closedNoted.get(10, TimeUnit.SECONDS);
            assertEquals(0, TestClient.deliveries(answer.body(), false).deliveries.size(), close.name());
            assertEquals(List.of("pull", "close"), order, close.name());
        }
    }

    private static CompletableFuture<Frame> pull(TestClient client, int maxMessages, long holdMillis)
            throws Exception {
        return client.requestAsync(RequestCode.PULL, Map.of("consumerId", "1", "maxMessages",
                Integer.toString(maxMessages), "maxBytes", "1000000", "holdMillis", Long.toString(holdMillis)), null);
    }
}
