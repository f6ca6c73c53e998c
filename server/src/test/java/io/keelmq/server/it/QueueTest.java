package io.keelmq.server.it;

import io.keelmq.protocol.frame.AckBody;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.keelmq.server.testing.TestClient.errorOf;
import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QueueTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("orders");

    @Test
    void sendAnswersStatusAndPosition() throws Exception {
        TestClient producer = client(null);
        WireMessage message = TestClient.text(QUEUE, "hello");
        Frame answer = requireOk(producer.send(message));
        assertEquals("SEND_OK", answer.header("status"));
        assertEquals(message.getMessageId(), answer.header("messageId"));
        int partition = Integer.parseInt(answer.header("partition"));
        assertTrue(partition >= 0 && partition < 4);
        assertEquals("0", answer.header("queueOffset"));
    }

    @Test
    void competingConsumersReceiveEachMessageExactlyOnce() throws Exception {
        TestClient producer = client(null);
        TestClient[] consumers = new TestClient[3];
        for (int i = 0; i < 3; i++) {
            consumers[i] = consumer(null, 10 + i, QUEUE, Map.of());
        }
        int total = 150;
        Set<String> sent = new HashSet<>();
        for (int i = 0; i < total; i++) {
            sent.add(requireOk(producer.sendText(QUEUE, "m" + i)).header("messageId"));
        }
        Map<String, Integer> received = new ConcurrentHashMap<>();
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TestClient client = consumers[i];
            long consumerId = 10 + i;
            loops.add(CompletableFuture.runAsync(() -> {
                try {
                    while (received.size() < total) {
                        List<Delivered> batch = client.pull(consumerId, 7, 200);
                        for (Delivered d : batch) {
                            received.merge(d.id(), 1, Integer::sum);
                            assertEquals(1, d.deliveryCount());
                            assertFalse(d.message().isRedelivered());
                        }
                        client.ack(consumerId, batch);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        CompletableFuture.allOf(loops.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        assertEquals(sent, received.keySet());
        received.values().forEach(count -> assertEquals(1, count));
        assertTrue(consumers[0].pull(10, 10, 0).isEmpty());
    }

    @Test
    void selectorRejectedMessagesGoToTheOtherConsumer() throws Exception {
        TestClient red = consumer(null, 1, QUEUE, Map.of("selector", "color = 'red'"));
        TestClient any = consumer(null, 2, QUEUE, Map.of());
        TestClient producer = client(null);
        for (int i = 0; i < 10; i++) {
            WireMessage message = TestClient.text(QUEUE, "m" + i);
            message.setProperty("color", i % 2 == 0 ? "red" : "blue");
            requireOk(producer.send(message));
        }
        List<Delivered> reds = drain(red, 1);
        assertEquals(5, reds.size());
        reds.forEach(d -> assertEquals("red", d.message().getProperty("color")));
        List<Delivered> rest = drain(any, 2);
        assertEquals(5, rest.size());
        rest.forEach(d -> assertEquals("blue", d.message().getProperty("color")));
    }

    /**
     * An arrival wakes held pulls one after another, stopping once a claim leaves nothing for the others: a claim that
     * passed a message over (its selector) must not stop the wake, or the consumer the message is for would see it
     * only when its own held pull expired or another arrival came.
     */
    @Test
    void aWakePassesASelectorRejectedArrivalOnToTheConsumerItIsFor() throws Exception {
        TestClient red = consumer(null, 1, QUEUE, Map.of("selector", "color = 'red'"));
        TestClient blue = consumer(null, 2, QUEUE, Map.of("selector", "color = 'blue'"));
        TestClient producer = client(null);
        Map<String, BlockingQueue<String>> received = Map.of("red", new LinkedBlockingQueue<>(), "blue",
                new LinkedBlockingQueue<>());
        AtomicBoolean done = new AtomicBoolean();
        List<CompletableFuture<Void>> pulling = new ArrayList<>();
        for (TestClient consumer : List.of(red, blue)) {
            long consumerId = consumer == red ? 1 : 2;
            pulling.add(CompletableFuture.runAsync(() -> {
                try {
                    while (!done.get()) {
                        List<Delivered> batch = consumer.pull(consumerId, 1, 10_000);
                        for (Delivered d : batch) {
                            received.get((String) d.message().getProperty("color")).add(d.text());
                        }
                        consumer.ack(consumerId, batch);
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        // Colours in pairs (red, red, blue, blue, ...), so that they do not follow the wake's rotation between the
        // two consumers: some wakes start at the consumer the message is not for.
        for (int i = 0; i < 12; i++) {
            Thread.sleep(100); // both pulls held again, so only the wake can answer the one the message is for
            String color = i % 4 < 2 ? "red" : "blue";
            WireMessage message = TestClient.text(QUEUE, "m" + i);
            message.setProperty("color", color);
            requireOk(producer.send(message));
            // Far less than the 10 s the pulls are held, far more than a wake takes.
            assertEquals("m" + i, received.get(color).poll(5, TimeUnit.SECONDS),
                    "m" + i + " (" + color + ") did not reach the one consumer whose selector takes it");
        }
        done.set(true);
        requireOk(producer.send(colored("end", "red")));
        requireOk(producer.send(colored("end", "blue")));
        for (CompletableFuture<Void> loop : pulling) {
            loop.get(60, TimeUnit.SECONDS);
        }
    }

    private static WireMessage colored(String text, String color) {
        WireMessage message = TestClient.text(QUEUE, text);
        message.setProperty("color", color);
        return message;
    }

    @Test
    void headerSelectorsSeeJmsHeaders() throws Exception {
        TestClient urgent = consumer(null, 1, QUEUE, Map.of("selector",
                "JMSPriority > 6 AND JMSDeliveryMode = 'PERSISTENT' AND JMSType = 'alert'"));
        TestClient producer = client(null);
        WireMessage low = TestClient.text(QUEUE, "low");
        low.setType("alert");
        requireOk(producer.send(low));
        WireMessage high = TestClient.text(QUEUE, "high");
        high.setPriority(9);
        high.setType("alert");
        requireOk(producer.send(high));
        List<Delivered> got = drain(urgent, 1);
        assertEquals(1, got.size());
        assertEquals("high", got.get(0).text());
    }

    @Test
    void invalidSelectorIsRefused() throws Exception {
        TestClient client = client(null);
        client.createSession(1, "AUTO");
        Frame answer = client.createConsumer(1, 1, DestinationRef.Kind.QUEUE, "orders",
                Map.of("selector", "color = = 'red'"));
        assertEquals(ErrorCode.INVALID_SELECTOR, errorOf(answer));
    }

    @Test
    void heldPullIsWokenBySend() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        CompletableFuture<Frame> pull = consumer.requestAsync(RequestCode.PULL, Map.of("consumerId", "1",
                "maxMessages", "10", "maxBytes", "1000000", "holdMillis", "60000"), null);
        Thread.sleep(200);
        assertFalse(pull.isDone(), "the pull is held while the queue is empty");
        client(null).sendText(QUEUE, "wake up");
        Frame answer = requireOk(pull.get(30, TimeUnit.SECONDS));
        List<Delivered> got = TestClient.deliveries(answer.body(), false).deliveries;
        assertEquals(1, got.size());
        assertEquals("wake up", got.get(0).text());
    }

    @Test
    void heldPullEndsEmptyWhenItsHoldTimeIsOver() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        assertTrue(consumer.pull(1, 10, 100).isEmpty());
    }

    @Test
    void droppedConnectionReleasesItsMessagesAsRedelivered() throws Exception {
        TestClient producer = client(null);
        for (int i = 0; i < 5; i++) {
            producer.sendText(QUEUE, "m" + i);
        }
        TestClient first = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = drainUnacked(first, 1, 5);
        assertEquals(5, got.size());
        TestClient second = consumer(null, 2, QUEUE, Map.of());
        assertTrue(second.pull(2, 10, 0).isEmpty(), "in-flight messages go to one consumer at a time");
        first.close();
        List<Delivered> again = drainUnacked(second, 2, 5);
        assertEquals(5, again.size());
        for (Delivered d : again) {
            assertEquals(2, d.deliveryCount());
            assertTrue(d.message().isRedelivered());
            assertEquals(2, d.message().getDeliveryCount());
        }
        second.ack(2, again);
        assertTrue(second.pull(2, 10, 0).isEmpty());
    }

    @Test
    void compactAckAcknowledgesAsTheOlderFormDoesAndAMalformedOneIsRefused() throws Exception {
        TestClient producer = client(null);
        for (int i = 0; i < 4; i++) {
            producer.sendText(QUEUE, "m" + i);
        }
        TestClient first = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = drainUnacked(first, 1, 4);
        assertEquals(4, got.size());
        // The compact form the provider sends: no headers, consumer id and cumulative flag in the body.
        requireOk(first.request(RequestCode.ACK, Map.of(), AckBody.encode(1, false,
                new int[] {got.get(0).partition(), got.get(1).partition()},
                new long[] {got.get(0).offset(), got.get(1).offset()})));
        first.ack(1, got.subList(2, 3));
        // A cumulative flag of 7 and no count.
        Frame malformed = first.request(RequestCode.ACK, Map.of(), new byte[] {0, 0, 0, 0, 0, 0, 0, 1, 7});
        assertEquals(ErrorCode.MALFORMED_FRAME, errorOf(malformed));
        first.close();
        TestClient second = consumer(null, 2, QUEUE, Map.of());
        List<Delivered> again = drain(second, 2);
        assertEquals(List.of("m3"), again.stream().map(Delivered::text).toList(),
                "the three acknowledged messages, two by the compact form, are not delivered again");
    }

    @Test
    void recoverRedeliversBeforeNewerMessages() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        TestClient producer = client(null);
        producer.sendText(QUEUE, "a");
        List<Delivered> first = drainUnacked(consumer, 1, 1);
        producer.sendText(QUEUE, "b");
        requireOk(consumer.request(RequestCode.RECOVER, Map.of("sessionId", "1"), null));
        List<Delivered> next = consumer.pull(1, 1, 5000);
        assertEquals(1, next.size());
        assertEquals(first.get(0).id(), next.get(0).id());
        assertEquals(2, next.get(0).deliveryCount());
        assertTrue(next.get(0).message().isRedelivered());
    }

    @Test
    void rollbackCountsOnlyTheConsumedMessagesItLists() throws Exception {
        TestClient consumer = client(null);
        consumer.createSession(1, "TRANSACTED");
        requireOk(consumer.createConsumer(1, 1, QUEUE.kind(), QUEUE.name(), Map.of()));
        TestClient producer = client(null);
        producer.sendText(QUEUE, "consumed");
        producer.sendText(QUEUE, "in transit");
        List<Delivered> got = drainUnacked(consumer, 1, 2);
        // The application consumed only the first; the second was, say, still on the wire when it rolled back.
        requireOk(consumer.request(RequestCode.ROLLBACK, Map.of("sessionId", "1"),
                TestClient.undelivered(1, got.subList(0, 1))));
        List<Delivered> again = drainUnacked(consumer, 1, 2);
        assertEquals(List.of(got.get(0).id(), got.get(1).id()), List.of(again.get(0).id(), again.get(1).id()));
        assertEquals(2, again.get(0).deliveryCount());
        assertTrue(again.get(0).message().isRedelivered());
        assertEquals(1, again.get(1).deliveryCount(), "never consumed: not counted");
        assertFalse(again.get(1).message().isRedelivered());
    }

    @Test
    void undeliveredMessagesAreReleasedWithoutIncrement() throws Exception {
        TestClient producer = client(null);
        producer.sendText(QUEUE, "a");
        TestClient first = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = drainUnacked(first, 1, 1);
        requireOk(first.closeConsumer(1, TestClient.undelivered(1, got)));
        TestClient second = consumer(null, 2, QUEUE, Map.of());
        List<Delivered> again = drainUnacked(second, 2, 1);
        assertEquals(1, again.get(0).deliveryCount());
        assertFalse(again.get(0).message().isRedelivered());
    }

    @Test
    void expiredMessagesAreNeverDelivered() throws Exception {
        TestClient producer = client(null);
        WireMessage expired = TestClient.text(QUEUE, "old");
        expired.setExpiration(System.currentTimeMillis() - 1000);
        requireOk(producer.send(expired));
        producer.sendText(QUEUE, "fresh");
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = drain(consumer, 1);
        assertEquals(1, got.size());
        assertEquals("fresh", got.get(0).text());
    }

    @Test
    void futureDeliveryTimeIsWaitedFor() throws Exception {
        TestClient producer = client(null);
        WireMessage later = TestClient.text(QUEUE, "later");
        later.setDeliveryTime(System.currentTimeMillis() + 700);
        requireOk(producer.send(later));
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        assertTrue(consumer.pull(1, 10, 0).isEmpty());
        List<Delivered> got = consumer.pull(1, 10, 20_000);
        assertEquals(1, got.size());
        assertTrue(System.currentTimeMillis() >= later.getDeliveryTime());
    }

    @Test
    void bodiesRoundTripIncludingNullText() throws Exception {
        TestClient producer = client(null);
        WireMessage nullText = TestClient.text(QUEUE, "x");
        nullText.setBody(BodyType.TEXT, null);
        requireOk(producer.send(nullText));
        WireMessage empty = TestClient.text(QUEUE, "");
        requireOk(producer.send(empty));
        WireMessage none = TestClient.text(QUEUE, "x");
        none.setBody(BodyType.NONE, null);
        none.setProperty("k", 42L);
        requireOk(producer.send(none));
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        Map<String, WireMessage> byId = new java.util.HashMap<>();
        drain(consumer, 1).forEach(d -> byId.put(d.id(), d.message()));
        assertNull(byId.get(nullText.getMessageId()).getBody());
        assertEquals(BodyType.TEXT, byId.get(nullText.getMessageId()).getBodyType());
        assertEquals(0, byId.get(empty.getMessageId()).getBody().length);
        WireMessage gotNone = byId.get(none.getMessageId());
        assertEquals(BodyType.NONE, gotNone.getBodyType());
        assertEquals(42L, gotNone.getProperty("k"));
        assertEquals(Set.of("k"), gotNone.getProperties().keySet(), "no broker-private property leaks");
    }

    @Test
    void tooLargeMessageIsRefusedAndNotStored() throws Exception {
        TestClient producer = client(null);
        WireMessage big = TestClient.text(QUEUE, "x");
        big.setBody(BodyType.BYTES, new byte[(1 << 20) + 10]);
        Frame answer = producer.send(big);
        assertEquals(ErrorCode.MESSAGE_TOO_LARGE, errorOf(answer));
        assertTrue(answer.errorMessage().contains("exceeds maxMessageSize 1048576"), answer.errorMessage());
        producer.sendText(QUEUE, "small");
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = drain(consumer, 1);
        assertEquals(1, got.size());
        assertEquals("small", got.get(0).text());
    }

    @Test
    void retriedSendIsStoredOnce() throws Exception {
        TestClient producer = client(null);
        WireMessage message = TestClient.text(QUEUE, "once");
        Frame first = requireOk(producer.send(message));
        long deadline = System.currentTimeMillis() + 10_000;
        // The index is built asynchronously after the append, like the consume queue.
        while (broker.store().queryByMessageId(message.getMessageId(), 0, Long.MAX_VALUE).isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        Frame retried = requireOk(producer.send(message, true));
        assertEquals("SEND_OK", retried.header("status"));
        assertEquals(first.header("partition"), retried.header("partition"));
        assertEquals(first.header("queueOffset"), retried.header("queueOffset"));
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        assertEquals(1, drain(consumer, 1).size());
    }

    @Test
    void retryArrivingWhileTheOriginalAwaitsItsFlushIsStoredOnce() throws Exception {
        // A client whose send timed out retries while the broker may still be flushing the original: the index
        // does not know the original yet, the broker still must not store it twice.
        TestClient producer = client(null);
        for (int i = 0; i < 20; i++) {
            WireMessage message = TestClient.text(QUEUE, "once " + i);
            byte[] encoded = WireMessageCodec.encode(message);
            CompletableFuture<Frame> original = producer.requestAsync(RequestCode.SEND, Map.of("sessionId", "1",
                    "producerId", "1"), encoded);
            CompletableFuture<Frame> retried = producer.requestAsync(RequestCode.SEND, Map.of("sessionId", "1",
                    "producerId", "1", "retry", "true"), encoded);
            Frame first = requireOk(original.get(30, TimeUnit.SECONDS));
            Frame second = requireOk(retried.get(30, TimeUnit.SECONDS));
            assertEquals(first.header("partition"), second.header("partition"));
            assertEquals(first.header("queueOffset"), second.header("queueOffset"), "the retry names the original");
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        assertEquals(20, drain(consumer, 1).size());
    }

    @Test
    void aMessageIsVisibleOnceItsSendIsAnswered() throws Exception {
        TestClient producer = client(null);
        TestClient browser = client(null);
        for (int i = 0; i < 30; i++) {
            producer.sendText(QUEUE, "m" + i);
            assertEquals(i + 1, browseAll(browser, "orders").size(), "browsed right after send " + i + " was answered");
        }
    }

    /** Every message a BROWSE walk over the whole queue shows. */
    private static List<Delivered> browseAll(TestClient browser, String queue) throws Exception {
        List<Delivered> seen = new ArrayList<>();
        int partition = 0;
        long offset = 0;
        while (partition >= 0) {
            Frame answer = requireOk(browser.request(RequestCode.BROWSE, Map.of("destination", queue,
                    "fromPartition", Integer.toString(partition), "fromOffset", Long.toString(offset),
                    "maxMessages", "100"), null));
            TestClient.Page page = TestClient.deliveries(answer.body(), true);
            seen.addAll(page.deliveries);
            partition = page.nextPartition;
            offset = page.nextOffset;
        }
        return seen;
    }

    @Test
    void browseShowsWithoutConsuming() throws Exception {
        TestClient producer = client(null);
        for (int i = 0; i < 6; i++) {
            WireMessage message = TestClient.text(QUEUE, "m" + i);
            message.setProperty("n", i);
            requireOk(producer.send(message));
        }
        TestClient browser = client(null);
        List<Delivered> seen = new ArrayList<>();
        int partition = 0;
        long offset = 0;
        while (partition >= 0) {
            Frame answer = requireOk(browser.request(RequestCode.BROWSE, Map.of("destination", "orders",
                    "selector", "n >= 2", "fromPartition", Integer.toString(partition), "fromOffset",
                    Long.toString(offset), "maxMessages", "2"), null));
            TestClient.Page page = TestClient.deliveries(answer.body(), true);
            seen.addAll(page.deliveries);
            partition = page.nextPartition;
            offset = page.nextOffset;
        }
        assertEquals(4, seen.size());
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        assertEquals(6, drain(consumer, 1).size());
    }

    @Test
    void autoCreateOffAnswersNotFound() throws Exception {
        broker.close();
        broker = Broker.start(TestBrokers.config(dir).set(ConfigKeys.AUTO_CREATE_TOPIC_ENABLE, false).build());
        TestClient producer = client(null);
        Frame answer = producer.send(TestClient.text(QUEUE, "nowhere"));
        assertEquals(ErrorCode.NOT_FOUND, errorOf(answer));
        assertTrue(answer.errorMessage().contains("'orders'"), answer.errorMessage());
        producer.createSession(1, "AUTO");
        assertEquals(ErrorCode.NOT_FOUND, errorOf(producer.createConsumer(1, 1, DestinationRef.Kind.QUEUE, "orders",
                Map.of())));
        requireOk(producer.request(RequestCode.CREATE_DESTINATION, Map.of("destinationKind", "QUEUE",
                "destination", "orders"), null));
        requireOk(producer.send(TestClient.text(QUEUE, "now it exists")));
    }

    @Test
    void queueSurvivesRestartWithUnackedMessagesRedelivered() throws Exception {
        TestClient producer = client(null);
        for (int i = 0; i < 4; i++) {
            producer.sendText(QUEUE, "m" + i);
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = drainUnacked(consumer, 1, 4);
        consumer.ack(1, got.subList(0, 2));
        restartBroker();
        TestClient after = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> again = drain(after, 1);
        assertEquals(2, again.size());
        for (Delivered d : again) {
            assertTrue(d.message().isRedelivered());
            assertTrue(d.deliveryCount() >= 2);
        }
    }

    /** Pulls and acknowledges until a pull comes back empty. */
    static List<Delivered> drain(TestClient client, long consumerId) throws Exception {
        List<Delivered> all = new ArrayList<>();
        while (true) {
            List<Delivered> batch = client.pull(consumerId, 16, 300);
            if (batch.isEmpty()) {
                return all;
            }
            client.ack(consumerId, batch);
            all.addAll(batch);
        }
    }

    /** Pulls without acknowledging until {@code expected} messages came (or a long pull is empty). */
    static List<Delivered> drainUnacked(TestClient client, long consumerId, int expected) throws Exception {
        List<Delivered> all = new ArrayList<>();
        while (all.size() < expected) {
            List<Delivered> batch = client.pull(consumerId, expected - all.size(), 5_000);
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
        return all;
    }
}
