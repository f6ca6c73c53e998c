package io.keelmq.server.conformance;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chapter 8 consumers (8.7 asynchronous delivery, 8.8 closing) and 6.2.13 serial execution of client code. */
class ConsumerConformanceTest extends ConformanceTestBase {

    @Test
    void s8_8_closeEndsAReceiveInProgressWithNull() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(unique("consumer-close")));
        connection.start();
        BlockedReceive pending = new BlockedReceive(consumer);
        consumer.close(); // the one consumer method another thread may call
        assertTrue(pending.returned(), "close returned before the receive did");
        assertNull(pending.outcome(), "a blocked receive returns null when closed");
    }

    @Test
    void s8_8_closeWaitsForTheRunningListener() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("consumer-close-listener"));
        MessageConsumer consumer = session.createConsumer(queue);
        CountDownLatch inListener = new CountDownLatch(1);
        AtomicLong returned = new AtomicLong();
        consumer.setMessageListener(m -> {
            inListener.countDown();
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            returned.set(System.nanoTime());
        });
        connection.start();
        connection().createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(queue)
                .send(session.createTextMessage("slow"));
        assertTrue(inListener.await(5, TimeUnit.SECONDS));
        consumer.close();
        long closed = System.nanoTime();
        assertTrue(returned.get() != 0 && returned.get() <= closed, "close returned before the listener did");
    }

    @Test
    void s8_8_aListenerMayCloseItsOwnConsumerAndCompletes() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("consumer-self-close"));
        MessageConsumer consumer = session.createConsumer(queue);
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        consumer.setMessageListener(m -> {
            calls.incrementAndGet();
            try {
                consumer.close();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("first"));
        producer.send(session.createTextMessage("second"));
        connection.start();
        assertNull(outcome.get(5, TimeUnit.SECONDS), "close from its own listener is allowed");
        Thread.sleep(300);
        assertEquals(1, calls.get(), "no delivery after close");
        // AUTO_ACKNOWLEDGE: the message the listener got is acknowledged as normal; the other stays on the queue
        MessageConsumer rest = session.createConsumer(queue);
        assertEquals("second", ((TextMessage) rest.receive(5_000)).getText());
        assertNull(rest.receive(200));
    }

    @Test
    void s8_8_clientAcknowledgeWorksAfterTheConsumerIsClosed() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("ack-after-close"));
        session.createProducer(queue).send(session.createTextMessage("m"));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        Message message = consumer.receive(5_000);
        assertNotNull(message);
        consumer.close();
        message.acknowledge();
        session.close();
        Session check = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertNull(check.createConsumer(queue).receive(300), "acknowledged after the consumer closed");
    }

    @Test
    void s6_2_13_aSessionRunsOneListenerAtATime() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue first = session.createQueue(unique("serial-1"));
        Queue second = session.createQueue(unique("serial-2"));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(10);
        jakarta.jms.MessageListener listener = m -> {
            maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
            all.countDown();
        };
        session.createConsumer(first).setMessageListener(listener);
        session.createConsumer(second).setMessageListener(listener);
        Session sending = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = sending.createProducer(null);
        for (int i = 0; i < 5; i++) {
            producer.send(first, sending.createTextMessage("a" + i));
            producer.send(second, sending.createTextMessage("b" + i));
        }
        connection.start();
        assertTrue(all.await(10, TimeUnit.SECONDS));
        assertEquals(1, maxRunning.get(), "listeners of one session ran concurrently");
    }

    @Test
    void s8_7_listenerReceivesMessagesInOrderAndMayUseItsSession() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("listener-order"));
        Queue echoes = session.createQueue(unique("listener-echo"));
        MessageProducer echo = session.createProducer(echoes);
        CountDownLatch all = new CountDownLatch(10);
        StringBuilder order = new StringBuilder();
        session.createConsumer(queue).setMessageListener(m -> {
            try {
                order.append(((TextMessage) m).getText());
                echo.send(session.createTextMessage(((TextMessage) m).getText()));
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
            all.countDown();
        });
        Session sending = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = sending.createProducer(queue);
        for (int i = 0; i < 10; i++) {
            producer.send(sending.createTextMessage(Integer.toString(i)));
        }
        connection.start();
        assertTrue(all.await(10, TimeUnit.SECONDS));
        assertEquals("0123456789", order.toString());
        Connection check = connection();
        MessageConsumer echoed = check.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(echoes);
        check.start();
        assertEquals(10, drain(echoed, 300).size());
    }

    @Test
    void s8_7_listenerThrowingInClientAcknowledgeGetsTheNextMessage() throws Exception {
        java.util.List<String> seen = deliveriesToAListenerThatFailsOnce(Session.CLIENT_ACKNOWLEDGE,
                "client-ack-throws", 2, "first", "second");
        Thread.sleep(300);
        assertEquals(java.util.List.of("first", "second"), seen, "the next message, no redelivery without recover");
    }

    @Test
    void s8_7_listenerThrowingInDupsOkGetsTheMessageAgainAsRedelivered() throws Exception {
        java.util.List<String> seen = deliveriesToAListenerThatFailsOnce(Session.DUPS_OK_ACKNOWLEDGE,
                "dups-ok-throws", 2, "again");
        assertEquals(java.util.List.of("again", "again*"), seen);
    }

    /**
     * Sends {@code texts} to a new queue whose listener, in a session of {@code ackMode}, throws on the first
     * message it gets; returns the texts it was handed (a redelivered one marked {@code *}) once it has had
     * {@code deliveries} of them (the list keeps growing if more arrive).
     */
    private java.util.List<String> deliveriesToAListenerThatFailsOnce(int ackMode, String queueName, int deliveries,
                                                                      String... texts) throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, ackMode);
        Queue queue = session.createQueue(unique(queueName));
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch handed = new CountDownLatch(deliveries);
        session.createConsumer(queue).setMessageListener(m -> {
            try {
                seen.add(((TextMessage) m).getText() + (m.getJMSRedelivered() ? "*" : ""));
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
            handed.countDown();
            if (seen.size() == 1) {
                throw new RuntimeException("fails once, on purpose");
            }
        });
        MessageProducer producer = connection().createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(queue);
        for (String text : texts) {
            producer.send(session.createTextMessage(text));
        }
        connection.start();
        assertTrue(handed.await(10, TimeUnit.SECONDS), "listener was handed " + seen);
        return seen;
    }
}
