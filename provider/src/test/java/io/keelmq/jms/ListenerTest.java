package io.keelmq.jms;

import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListenerTest extends FakeBrokerTestBase {

    private static void send(Session session, Queue queue, int count) throws Exception {
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
    }

    private static String text(Message m) {
        try {
            return ((TextMessage) m).getText();
        } catch (JMSException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aListenerReceivesAndEachMessageIsAcknowledgedWhenItReturns() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 3);
        BlockingQueue<String> received = new ArrayBlockingQueue<>(10);
        session.createConsumer(queue).setMessageListener(m -> received.add(text(m)));
        connection.start();
        for (int i = 0; i < 3; i++) {
            assertEquals("m" + i, received.poll(5, TimeUnit.SECONDS));
        }
        Wait.until("3 acknowledged", () -> broker.states("queue/q")[2] == 3);
    }

    @Test
    void aThrowingListenerGetsTheMessageAgainAtOnceUnderAutoAcknowledge() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 2);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(3);
        session.createConsumer(queue).setMessageListener(m -> {
            try {
                seen.add(text(m) + (m.getJMSRedelivered() ? "*" + m.getIntProperty("JMSXDeliveryCount") : ""));
                done.countDown();
                if (!m.getJMSRedelivered() && text(m).equals("m0")) {
                    throw new RuntimeException("first attempt fails");
                }
            } catch (JMSException e) {
                throw new AssertionError(e);
            }
        });
        connection.start();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of("m0", "m0*2", "m1"), seen);
        assertEquals(1, broker.requests(RequestCode.RECOVER).size());
        Wait.until("both acknowledged", () -> broker.states("queue/q")[2] == 2);
    }

    @Test
    void aThrowingListenerUnderClientAcknowledgeGetsTheNextMessage() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession(Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue("q");
        send(session, queue, 2);
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(10);
        session.createConsumer(queue).setMessageListener(m -> {
            seen.add(text(m));
            throw new RuntimeException("always");
        });
        connection.start();
        assertEquals("m0", seen.poll(5, TimeUnit.SECONDS));
        assertEquals("m1", seen.poll(5, TimeUnit.SECONDS));
        assertEquals(List.of(), broker.requests(RequestCode.RECOVER));
    }

    @Test
    void aSessionRunsOneListenerAtATime() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue q1 = session.createQueue("q1");
        Queue q2 = session.createQueue("q2");
        send(session, q1, 20);
        send(session, q2, 20);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(40);
        jakarta.jms.MessageListener listener = m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            done.countDown();
        };
        session.createConsumer(q1).setMessageListener(listener);
        session.createConsumer(q2).setMessageListener(listener);
        connection.start();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(1, maxRunning.get());
    }

    @Test
    void stopWaitsForARunningListenerAndHoldsFurtherDeliveries() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 2);
        CountDownLatch inListener = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BlockingQueue<String> seen = new ArrayBlockingQueue<>(10);
        session.createConsumer(queue).setMessageListener(m -> {
            seen.add(text(m));
            inListener.countDown();
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        connection.start();
        assertTrue(inListener.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> stop = CompletableFuture.runAsync(() -> {
            try {
                connection.stop();
            } catch (JMSException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(50);
        assertFalse(stop.isDone(), "stop waits for the listener");
        release.countDown();
        stop.get(5, TimeUnit.SECONDS);
        assertEquals("m0", seen.poll());
        assertNull(seen.poll(100, TimeUnit.MILLISECONDS), "nothing delivered while stopped");
        connection.start();
        assertEquals("m1", seen.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void closeWaitsForARunningListener() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 1);
        CountDownLatch inListener = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        session.createConsumer(queue).setMessageListener(m -> {
            inListener.countDown();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            finished.incrementAndGet();
        });
        connection.start();
        assertTrue(inListener.await(5, TimeUnit.SECONDS));
        connection.close();
        assertEquals(1, finished.get());
        assertEquals(1, broker.states("queue/q")[2], "the running message was still acknowledged");
    }

    @Test
    void listenersAndSynchronousReceiveDoNotMixOnASession() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        MessageConsumer withListener = session.createConsumer(session.createQueue("a"));
        MessageConsumer other = session.createConsumer(session.createQueue("b"));
        withListener.setMessageListener(m -> { });
        assertThrows(IllegalStateException.class, withListener::receiveNoWait);
        assertThrows(IllegalStateException.class, () -> other.receive(10));
        withListener.setMessageListener(null);
        assertNull(other.receiveNoWait());
    }

    @Test
    void aListenerMayNotCloseItsSessionOrConnectionButMayCloseItsConsumer() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        send(session, queue, 2);
        BlockingQueue<Object> outcomes = new ArrayBlockingQueue<>(10);
        MessageConsumer consumer = session.createConsumer(queue);
        consumer.setMessageListener(m -> {
            for (AutoCloseable target : new AutoCloseable[] {session, connection, consumer}) {
                try {
                    target.close();
                    outcomes.add("closed");
                } catch (Exception e) {
                    outcomes.add(e);
                }
            }
        });
        connection.start();
        assertInstanceOf(IllegalStateException.class, outcomes.poll(5, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, outcomes.poll(5, TimeUnit.SECONDS));
        assertEquals("closed", outcomes.poll(5, TimeUnit.SECONDS));
        Wait.until("the message is acknowledged after onMessage", () -> broker.states("queue/q")[2] == 1);
        assertNull(outcomes.poll(100, TimeUnit.MILLISECONDS), "no delivery after the consumer closed");
        Wait.until("the other message released", () -> broker.states("queue/q")[0] == 1);
    }
}
