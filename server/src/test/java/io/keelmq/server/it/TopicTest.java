package io.keelmq.server.it;

import io.keelmq.protocol.frame.ErrorCode;
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

import static io.keelmq.server.it.QueueTest.drain;
import static io.keelmq.server.it.QueueTest.drainUnacked;
import static io.keelmq.server.testing.TestClient.errorOf;
import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicTest extends BrokerTestBase {
    private static final DestinationRef TOPIC = DestinationRef.topic("prices");
    private static final Map<String, String> DURABLE = Map.of("durable", "true", "subscriptionName", "audit");

    @Test
    void everySubscriberGetsEveryMessage() throws Exception {
        List<TestClient> subscribers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            subscribers.add(consumer(null, 1, TOPIC, Map.of()));
        }
        TestClient producer = client(null);
        for (int i = 0; i < 20; i++) {
            producer.sendText(TOPIC, "p" + i);
        }
        for (TestClient subscriber : subscribers) {
            List<Delivered> got = drain(subscriber, 1);
            assertEquals(20, got.size());
            got.forEach(d -> assertEquals(1, d.deliveryCount()));
        }
    }

    @Test
    void nonDurableSubscriptionStartsAtTheTail() throws Exception {
        TestClient producer = client(null);
        producer.sendText(TOPIC, "before");
        TestClient subscriber = consumer(null, 1, TOPIC, Map.of());
        producer.sendText(TOPIC, "after");
        List<Delivered> got = drain(subscriber, 1);
        assertEquals(1, got.size());
        assertEquals("after", got.get(0).text());
    }

    @Test
    void topicSelectorFiltersTheSubscription() throws Exception {
        TestClient subscriber = consumer(null, 1, TOPIC, Map.of("selector", "symbol = 'ACME'"));
        TestClient producer = client(null);
        for (String symbol : new String[] {"ACME", "INIT", "ACME"}) {
            WireMessage message = TestClient.text(TOPIC, symbol);
            message.setProperty("symbol", symbol);
            requireOk(producer.send(message));
        }
        assertEquals(2, drain(subscriber, 1).size());
    }

    @Test
    void noLocalSkipsTheConnectionsOwnMessages() throws Exception {
        TestClient both = consumer(null, 1, TOPIC, Map.of("noLocal", "true"));
        TestClient other = client(null);
        both.sendText(TOPIC, "mine");
        other.sendText(TOPIC, "theirs");
        List<Delivered> got = drain(both, 1);
        assertEquals(1, got.size());
        assertEquals("theirs", got.get(0).text());
    }

    @Test
    void durableSubscriptionKeepsMessagesAcrossReconnect() throws Exception {
        TestClient first = consumer("app", 1, TOPIC, DURABLE);
        TestClient producer = client(null);
        producer.sendText(TOPIC, "one");
        assertEquals(1, drain(first, 1).size());
        first.close();
        awaitConnections(1);
        producer.sendText(TOPIC, "while away");
        TestClient second = consumer("app", 1, TOPIC, DURABLE);
        List<Delivered> got = drain(second, 1);
        assertEquals(1, got.size());
        assertEquals("while away", got.get(0).text());
    }

    @Test
    void durableSubscriptionSurvivesBrokerRestart() throws Exception {
        TestClient first = consumer("app", 1, TOPIC, DURABLE);
        TestClient producer = client(null);
        producer.sendText(TOPIC, "acked");
        producer.sendText(TOPIC, "unacked");
        List<Delivered> got = drainUnacked(first, 1, 2);
        Delivered acked = got.stream().filter(d -> d.text().equals("acked")).findFirst().orElseThrow();
        first.ack(1, List.of(acked));
        first.close();
        awaitConnections(1);
        restartBroker();
        client(null).sendText(TOPIC, "after restart");
        TestClient second = consumer("app", 1, TOPIC, DURABLE);
        List<Delivered> after = drain(second, 1);
        assertEquals(2, after.size());
        Delivered redelivered = after.stream().filter(d -> d.text().equals("unacked")).findFirst().orElseThrow();
        assertTrue(redelivered.message().isRedelivered());
        assertEquals(2, redelivered.deliveryCount());
        Delivered fresh = after.stream().filter(d -> d.text().equals("after restart")).findFirst().orElseThrow();
        assertEquals(1, fresh.deliveryCount());
    }

    @Test
    void unsharedDurableSubscriptionHasOneActiveConsumer() throws Exception {
        consumer("app", 1, TOPIC, DURABLE);
        TestClient same = client(null);
        same.createSession(1, "AUTO");
        assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(same.createConsumer(1, 1, DestinationRef.Kind.TOPIC,
                "prices", DURABLE)), "an unshared durable subscription needs a client id");
        requireOk(same.request(RequestCode.SET_CLIENT_ID, Map.of("clientId", "app2"), null));
        requireOk(same.createConsumer(1, 1, DestinationRef.Kind.TOPIC, "prices", DURABLE));
        TestClient firstAgain = client(null);
        TestClient holder = clients.get(0);
        holder.createSession(2, "AUTO");
        assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(holder.createConsumer(2, 2, DestinationRef.Kind.TOPIC,
                "prices", DURABLE)));
        firstAgain.close();
    }

    @Test
    void changedSelectorReplacesAnInactiveDurableSubscription() throws Exception {
        TestClient first = consumer("app", 1, TOPIC, DURABLE);
        TestClient producer = client(null);
        producer.sendText(TOPIC, "kept?");
        first.close();
        awaitConnections(1);
        Map<String, String> redefined = Map.of("durable", "true", "subscriptionName", "audit", "selector", "x = 1");
        TestClient second = consumer("app", 1, TOPIC, redefined);
        assertTrue(drain(second, 1).isEmpty(), "a redefined subscription starts afresh");
    }

    @Test
    void unsubscribeDeletesAnInactiveDurableSubscription() throws Exception {
        TestClient first = consumer("app", 1, TOPIC, DURABLE);
        assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(first.request(RequestCode.UNSUBSCRIBE,
                Map.of("subscriptionName", "audit"), null)));
        requireOk(first.closeConsumer(1, null));
        requireOk(first.request(RequestCode.UNSUBSCRIBE, Map.of("subscriptionName", "audit"), null));
        assertEquals(ErrorCode.NOT_FOUND, errorOf(first.request(RequestCode.UNSUBSCRIBE,
                Map.of("subscriptionName", "audit"), null)));
    }

    @Test
    void sharedSubscriptionConsumersCompete() throws Exception {
        Map<String, String> shared = Map.of("shared", "true", "subscriptionName", "workers");
        TestClient a = consumer(null, 1, TOPIC, shared);
        TestClient b = consumer(null, 1, TOPIC, shared);
        TestClient other = consumer(null, 1, TOPIC, Map.of());
        TestClient producer = client(null);
        for (int i = 0; i < 10; i++) {
            producer.sendText(TOPIC, "w" + i);
        }
        List<Delivered> fromA = drainUnacked(a, 1, 4);
        List<Delivered> fromB = drain(b, 1);
        a.ack(1, fromA);
        List<Delivered> restOfA = drain(a, 1);
        assertEquals(10, fromA.size() + fromB.size() + restOfA.size());
        assertEquals(10, drain(other, 1).size());
    }

    @Test
    void temporaryQueueBelongsToItsConnection() throws Exception {
        TestClient owner = client(null);
        requireOk(owner.request(RequestCode.CREATE_DESTINATION, Map.of("destinationKind", "TEMPORARY_QUEUE",
                "destination", "tmp-1"), null));
        DestinationRef temp = new DestinationRef(DestinationRef.Kind.TEMPORARY_QUEUE, "tmp-1");
        TestClient other = client(null);
        other.createSession(1, "AUTO");
        assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(other.createConsumer(1, 1, temp.kind(), temp.name(), Map.of())));
        other.sendText(temp, "reply");
        owner.createSession(1, "AUTO");
        requireOk(owner.createConsumer(1, 1, temp.kind(), temp.name(), Map.of()));
        assertEquals(1, drain(owner, 1).size());
        assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(owner.request(RequestCode.DELETE_DESTINATION,
                Map.of("destinationKind", "TEMPORARY_QUEUE", "destination", "tmp-1"), null)));
        requireOk(owner.closeConsumer(1, null));
        requireOk(owner.request(RequestCode.DELETE_DESTINATION, Map.of("destinationKind", "TEMPORARY_QUEUE",
                "destination", "tmp-1"), null));
        Frame answer = other.send(TestClient.text(temp, "too late"));
        assertEquals(ErrorCode.NOT_FOUND, errorOf(answer));
    }

    @Test
    void temporaryDestinationIsDeletedWithItsConnection() throws Exception {
        TestClient owner = client(null);
        requireOk(owner.request(RequestCode.CREATE_DESTINATION, Map.of("destinationKind", "TEMPORARY_TOPIC",
                "destination", "tmp-2"), null));
        DestinationRef temp = new DestinationRef(DestinationRef.Kind.TEMPORARY_TOPIC, "tmp-2");
        TestClient other = client(null);
        requireOk(other.send(TestClient.text(temp, "ok")));
        owner.close();
        awaitConnections(1);
        assertEquals(ErrorCode.NOT_FOUND, errorOf(other.send(TestClient.text(temp, "gone"))));
    }

    private void awaitConnections(int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (broker.connectionCount() != count && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(count, broker.connectionCount());
    }
}
