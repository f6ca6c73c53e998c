package io.keelmq.jms;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidSelectorException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsumerTest extends FakeBrokerTestBase {

    private static void send(Session session, Queue queue, int count) throws Exception {
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
    }

    @Test
    void prefetchStaysWithinTheMessageThreshold() throws Exception {
        Connection connection = connect("pullThresholdForQueue=5", "pullThresholdSizeForQueue=1",
                "pollHoldMillis=10000");
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 12);
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        connection.start();
        Wait.until("5 prefetched", () -> consumer.buffer().size() == 5);
        Frame first = broker.requests(RequestCode.PULL).get(0);
        assertEquals("5", first.header("maxMessages"));
        assertEquals(Long.toString(1024 * 1024), first.header("maxBytes"));
        assertEquals("10000", first.header("holdMillis"));
        assertTrue(first.header("standing") != null, "a standing pull");
        assertEquals(1, broker.requests(RequestCode.PULL).size(), "a full buffer asks for nothing more");
        assertEquals(0, broker.requests(RequestCode.CREDIT).size(), "a full buffer asks for nothing more");
        assertEquals(5, broker.states("queue/q")[1]);

        assertEquals("m0", ((TextMessage) consumer.receive(1000)).getText());
        assertEquals("m1", ((TextMessage) consumer.receive(1000)).getText());
        assertEquals(0, broker.requests(RequestCode.CREDIT).size(), "more than half the window is still buffered");
        assertEquals("m2", ((TextMessage) consumer.receive(1000)).getText());
        Wait.until("the freed half is granted", () -> broker.requests(RequestCode.CREDIT).size() == 1);
        Frame credit = broker.requests(RequestCode.CREDIT).get(0);
        assertEquals(first.header("standing"), credit.header("standing"));
        assertEquals("8", credit.header("messages"), "5 received and room for 3 more");
        Wait.until("5 prefetched again", () -> consumer.buffer().size() == 5);
        assertEquals(5, broker.states("queue/q")[1], "in flight: the 5 buffered (the 3 taken are acknowledged)");
        assertEquals(1, broker.requests(RequestCode.PULL).size(), "the pull stands: no new one");
        assertEquals(1, broker.requests(RequestCode.CREDIT).size(), "a full buffer asks for nothing more");
    }

    @Test
    void prefetchedMessagesAreHandedOutHighestPriorityFirstEqualOnesInArrivalOrder() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        int[] priorities = {1, 1, 9, 1, 5, 9, 0};
        for (int i = 0; i < priorities.length; i++) {
            producer.send(session.createTextMessage("m" + i), DeliveryMode.PERSISTENT, priorities[i], 0);
        }
        // The fake broker answers in offset order: any reordering is the buffer's.
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        connection.start();
        Wait.until("all prefetched", () -> consumer.buffer().size() == priorities.length);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < priorities.length; i++) {
            order.append(((TextMessage) consumer.receive(1000)).getText()).append(' ');
        }
        assertEquals("m2 m5 m4 m0 m1 m3 m6 ", order.toString());
    }

    @Test
    void prefetchStaysWithinTheSizeThreshold() throws Exception {
        Connection connection = connect("pullThresholdSizeForQueue=1");
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 4; i++) {
            BytesMessage m = session.createBytesMessage();
            m.writeBytes(new byte[400 * 1024]);
            producer.send(m);
        }
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        connection.start();
        // Two messages fit the 1 MiB window; the third is the first of the next claim, which goes past the window
        // (as a PULL answer's first message always did), and uses it up.
        Wait.until("three prefetched", () -> consumer.buffer().size() == 3);
        assertEquals(1, broker.requests(RequestCode.PULL).size());
        assertEquals(3, broker.states("queue/q")[1]);
        consumer.receive(1000);
        assertEquals(0, broker.requests(RequestCode.CREDIT).size(), "800 KiB buffered: more than half the window");
        consumer.receive(1000);
        Wait.until("the freed half is granted", () -> broker.requests(RequestCode.CREDIT).size() == 1);
        Frame credit = broker.requests(RequestCode.CREDIT).get(0);
        // What was received (three messages of one length L) plus the room beside the one buffered: 2L + 1 MiB.
        long length = (Long.parseLong(credit.header("bytes")) - 1024 * 1024) / 2;
        assertTrue(length > 400 * 1024 && length < 401 * 1024, "one message's length: " + length);
        Wait.until("the fourth prefetched", () -> consumer.buffer().size() == 2);
    }

    /**
     * Spec 4.3.3: a stopped connection delivers nothing, so its consumers pull nothing either: messages in their
     * prefetch could reach nobody, not even a competing consumer that is started (TCK core20.jmsconsumertests).
     */
    @Test
    void aConsumerOfAStoppedConnectionPullsOnlyOnceItStarts() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 2);
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        session.createProducer(queue).send(session.createTextMessage("after the consumer"));
        assertEquals(0, broker.requests(RequestCode.PULL).size(), "a stopped connection pulls nothing");
        assertEquals(0, consumer.buffer().size());
        connection.start();
        Wait.until("pulled once started", () -> consumer.buffer().size() == 3);
        connection.stop();
        int pulls = broker.requests(RequestCode.PULL).size();
        assertNull(consumer.receiveNoWait(), "a stopped connection delivers nothing");
        assertEquals(pulls, broker.requests(RequestCode.PULL).size(), "stopped again: no more pulls");
    }

    @Test
    void nothingIsDeliveredWhileStopped() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 1);
        MessageConsumer consumer = session.createConsumer(queue);
        assertNull(consumer.receive(100));
        assertNull(consumer.receiveNoWait());
        connection.start();
        assertEquals("m0", ((TextMessage) consumer.receive(2000)).getText());
        connection.stop();
        send(session, queue, 1);
        assertNull(consumer.receive(100));
        connection.start();
        assertEquals("m0", ((TextMessage) consumer.receive(2000)).getText());
    }

    @Test
    void receiveNoWaitAsksTheBrokerWithoutHolding() throws Exception {
        Connection connection = connect("pollHoldMillis=10000");
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        broker.awaitRequests(RequestCode.PULL, 1, 5000);
        assertNull(consumer.receiveNoWait());
        assertTrue(broker.requests(RequestCode.PULL).stream().anyMatch(f -> "0".equals(f.header("holdMillis"))));
        send(session, queue, 1);
        assertEquals("m0", ((TextMessage) consumer.receive(2000)).getText(), "the held pull was woken");
    }

    @Test
    void receiveTimesOutWithNull() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        MessageConsumer consumer = session.createConsumer(session.createQueue("q"));
        connection.start();
        long start = System.nanoTime();
        assertNull(consumer.receive(100));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(90));
    }

    @Test
    void closeReleasesThePrefetchedMessagesInItsUndeliveredList() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 3);
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        connection.start();
        assertEquals("m0", ((TextMessage) consumer.receive(2000)).getText());
        Wait.until("the rest prefetched", () -> consumer.buffer().size() == 2);
        consumer.close();
        Frame close = broker.requests(RequestCode.CLOSE_CONSUMER).get(0);
        assertEquals(Long.toString(consumer.consumerId()), close.header("consumerId"));
        assertEquals(4 + 2 * 20, close.body().length);
        int[] states = broker.states("queue/q");
        assertEquals(2, states[0], "available again");
        assertEquals(1, states[2], "acknowledged");
        assertEquals(List.of(1, 0, 0), List.copyOf(broker.deliveryCounts("queue/q").values()));
        assertThrows(IllegalStateException.class, consumer::receiveNoWait);
    }

    @Test
    void closeEndsTheHeldLongPollBeforeClosingTheConsumer() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        MessageConsumer consumer = session.createConsumer(session.createQueue("q"));
        connection.start();
        broker.awaitRequests(RequestCode.PULL, 1, 2000); // the long poll, held: the queue is empty
        consumer.close();
        // Messages claimed for the long poll just before the close would otherwise stay in flight, unlisted.
        List<Frame> pulls = broker.requests(RequestCode.PULL);
        Frame last = pulls.get(pulls.size() - 1);
        assertEquals("0", last.header("maxMessages"));
        assertEquals("0", last.header("holdMillis"));
        Frame close = broker.requests(RequestCode.CLOSE_CONSUMER).get(0);
        assertTrue(last.correlationId() < close.correlationId(), "the zero-message PULL goes before CLOSE_CONSUMER");
    }

    @Test
    void closeEndsAPendingReceiveWithNull() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        MessageConsumer consumer = session.createConsumer(session.createQueue("q"));
        connection.start();
        CompletableFuture<Message> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return consumer.receive();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(50);
        assertFalse(pending.isDone());
        consumer.close();
        assertTrue(pending.isDone(), "close returns after the receive did");
        assertNull(pending.get());
    }

    @Test
    void anInvalidSelectorIsRefusedBeforeReachingTheBroker() throws Exception {
        Session session = connect().createSession();
        assertThrows(InvalidSelectorException.class,
                () -> session.createConsumer(session.createQueue("q"), "color = "));
        assertEquals(List.of(), broker.requests(RequestCode.CREATE_CONSUMER));
        session.createConsumer(session.createQueue("q"), "  ");
        assertNull(broker.requests(RequestCode.CREATE_CONSUMER).get(0).header("selector"), "blank means none");
    }

    @Test
    void theSelectorIsAppliedByTheBroker() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        for (String color : new String[] {"red", "blue", "red"}) {
            TextMessage m = session.createTextMessage(color);
            m.setStringProperty("color", color);
            producer.send(m);
        }
        MessageConsumer blue = session.createConsumer(queue, "color = 'blue'");
        assertEquals("color = 'blue'", broker.requests(RequestCode.CREATE_CONSUMER).get(0).header("selector"));
        connection.start();
        assertEquals("blue", ((TextMessage) blue.receive(2000)).getText());
        assertNull(blue.receive(50));
    }

    @Test
    void expiredMessagesAreAcknowledgedAndNotDelivered() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        producer.setTimeToLive(1);
        producer.send(session.createTextMessage("short-lived"));
        Thread.sleep(5);
        producer.setTimeToLive(0);
        producer.send(session.createTextMessage("lasting"));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals("lasting", ((TextMessage) consumer.receive(2000)).getText());
        assertEquals(2, broker.states("queue/q")[2]);
    }
}
