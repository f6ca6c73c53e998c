package io.keelmq.server.conformance;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 6.1 connections: client identifier, start and stop, metadata, ExceptionListener, close. */
class ConnectionConformanceTest extends ConformanceTestBase {

    // ------------------------------------------------------------------ 6.1.2 client identifier

    @Test
    void s6_1_2_clientIdIsSetOnceBeforeAnyOtherUse() throws Exception {
        Connection connection = connection();
        assertNull(connection.getClientID());
        String id = unique("client");
        connection.setClientID(id);
        assertEquals(id, connection.getClientID());
        assertThrows(IllegalStateException.class, () -> connection.setClientID(unique("again")));

        Connection used = connection();
        used.createSession(false, Session.AUTO_ACKNOWLEDGE);
        assertThrows(IllegalStateException.class, () -> used.setClientID(unique("late")));

        Connection started = connection();
        started.start();
        assertThrows(IllegalStateException.class, () -> started.setClientID(unique("late")));
    }

    @Test
    void s6_1_2_aClientIdInUseIsRefusedWithInvalidClientIDException() throws Exception {
        String id = unique("exclusive");
        connection().setClientID(id);
        Connection second = connection();
        assertThrows(InvalidClientIDException.class, () -> second.setClientID(id));
        JMSContext context = track(factory().createContext());
        assertThrows(InvalidClientIDRuntimeException.class, () -> context.setClientID(id));
        assertThrows(InvalidClientIDException.class, () -> connection().setClientID(null));
    }

    @Test
    void s6_1_2_administeredClientIdCannotBeChanged() throws Exception {
        KeelConnectionFactory factory = factory();
        String id = unique("administered");
        factory.setOption("clientID", id);
        Connection connection = track(factory.createConnection());
        assertEquals(id, connection.getClientID());
        assertThrows(IllegalStateException.class, () -> connection.setClientID(unique("other")));
    }

    @Test
    void s6_1_2_jmsContextClientIdRules() throws Exception {
        JMSContext context = context();
        String id = unique("context-client");
        context.setClientID(id);
        assertEquals(id, context.getClientID());
        assertThrows(IllegalStateRuntimeException.class, () -> context.setClientID(unique("again")));
        JMSContext used = context();
        used.createProducer();
        assertThrows(IllegalStateRuntimeException.class, () -> used.setClientID(unique("late")));
    }

    // ------------------------------------------------------------------ 6.1.4, 6.1.5 start and stop

    @Test
    void s6_1_4_noDeliveryBeforeStartAndSendingWorksWhileStopped() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("start"));
        MessageConsumer consumer = session.createConsumer(queue);
        session.createProducer(queue).send(session.createTextMessage("waiting"));
        assertNull(consumer.receive(300), "not started: nothing is delivered");
        connection.start();
        connection.start(); // starting a started connection is ignored
        assertEquals("waiting", ((TextMessage) consumer.receive(5_000)).getText());
    }

    @Test
    void s6_1_5_stopPausesReceivesAndListenersUntilStart() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("stop"));
        MessageConsumer consumer = session.createConsumer(queue);
        MessageProducer producer = session.createProducer(queue);
        connection.start();
        connection.stop();
        connection.stop(); // stopping a stopped connection is ignored
        producer.send(session.createTextMessage("held")); // sending is not affected
        assertNull(consumer.receive(300), "stopped: receive times out");
        connection.start();
        assertNotNull(consumer.receive(5_000));

        Session listening = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue listened = listening.createQueue(unique("stop-listener"));
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch received = new CountDownLatch(1);
        connection.stop();
        listening.createConsumer(listened).setMessageListener(m -> {
            calls.incrementAndGet();
            received.countDown();
        });
        session.createProducer(listened).send(session.createTextMessage("for the listener"));
        Thread.sleep(300);
        assertEquals(0, calls.get(), "a stopped connection calls no listener");
        connection.start();
        assertTrue(received.await(5, TimeUnit.SECONDS));
    }

    @Test
    void s6_1_5_stopWaitsForRunningListenersToReturn() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("stop-waits"));
        CountDownLatch inListener = new CountDownLatch(1);
        AtomicLong listenerReturned = new AtomicLong();
        session.createConsumer(queue).setMessageListener(m -> {
            inListener.countDown();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            listenerReturned.set(System.nanoTime());
        });
        connection.start();
        connection().createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(queue)
                .send(session.createTextMessage("slow"));
        assertTrue(inListener.await(5, TimeUnit.SECONDS));
        connection.stop();
        long stopReturned = System.nanoTime();
        assertTrue(listenerReturned.get() != 0 && listenerReturned.get() <= stopReturned,
                "stop returned before the running listener did");
    }

    @Test
    void s6_1_5_stopFromOwnListenerThrowsIllegalStateException() throws Exception {
        // Either alternative of 6.1.5 is allowed; this provider chose IllegalStateException.
        assertInstanceOf(IllegalStateException.class, whatAListenerGetsFrom(Connection::stop, "stop-self"));
    }

    /** Runs {@code call} on its own connection from inside a message listener; returns what it threw, or null. */
    private Throwable whatAListenerGetsFrom(ConnectionCall call, String queueName) throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique(queueName));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        session.createConsumer(queue).setMessageListener(m -> {
            try {
                call.on(connection);
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        connection.start();
        session.createProducer(queue).send(session.createMessage());
        return outcome.get(5, TimeUnit.SECONDS);
    }

    @FunctionalInterface
    private interface ConnectionCall {
        void on(Connection connection) throws JMSException;
    }

    // ------------------------------------------------------------------ 6.1.6 metadata

    @Test
    void s6_1_6_metaDataNamesVersionAndJmsxProperties() throws Exception {
        ConnectionMetaData metaData = connection().getMetaData();
        assertEquals(3, metaData.getJMSMajorVersion());
        assertEquals(1, metaData.getJMSMinorVersion());
        assertEquals("3.1", metaData.getJMSVersion());
        assertNotNull(metaData.getJMSProviderName());
        assertNotNull(metaData.getProviderVersion());
        assertTrue(metaData.getProviderMajorVersion() >= 0 && metaData.getProviderMinorVersion() >= 0);
        List<?> names = Collections.list(metaData.getJMSXPropertyNames());
        assertTrue(names.containsAll(List.of("JMSXGroupID", "JMSXGroupSeq", "JMSXDeliveryCount")), names.toString());
        assertEquals(metaData.getJMSVersion(), context().getMetaData().getJMSVersion());
    }

    // ------------------------------------------------------------------ 6.1.7 ExceptionListener

    @Test
    void s6_1_7_exceptionListenerIsToldOfConnectionLoss(@TempDir Path ownStore) throws Exception {
        Broker own = TestBrokers.start(ownStore);
        try {
            Connection connection = track(new KeelConnectionFactory("keel://127.0.0.1:" + own.listenAddress().getPort())
                    .createConnection());
            assertNull(connection.getExceptionListener());
            CompletableFuture<JMSException> reported = new CompletableFuture<>();
            jakarta.jms.ExceptionListener listener = reported::complete;
            connection.setExceptionListener(listener);
            assertEquals(listener, connection.getExceptionListener());
            connection.start();
            JMSContext context = track(new KeelConnectionFactory("keel://127.0.0.1:" + own.listenAddress().getPort())
                    .createContext());
            CompletableFuture<JMSException> contextReported = new CompletableFuture<>();
            context.setExceptionListener(contextReported::complete);
            own.close();
            assertNotNull(reported.get(20, TimeUnit.SECONDS));
            assertNotNull(contextReported.get(20, TimeUnit.SECONDS), "a JMSContext's listener too");
        } finally {
            own.close();
        }
    }

    // ------------------------------------------------------------------ 6.1.8 closing

    @Test
    void s6_1_8_closeEndsPendingReceives() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue(unique("close-receive")));
        connection.start();
        BlockedReceive pending = new BlockedReceive(consumer);
        connection.close();
        assertTrue(pending.returned(), "close returned before the pending receive did");
        assertNull(pending.outcome(), "a blocked receive returns null when closed");
    }

    @Test
    void s6_1_8_closeWaitsForRunningListenersWhichKeepTheirFacilities() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("close-listener"));
        Queue replies = session.createQueue(unique("close-replies"));
        MessageProducer replier = session.createProducer(replies);
        CountDownLatch inListener = new CountDownLatch(1);
        AtomicLong listenerReturned = new AtomicLong();
        CompletableFuture<Throwable> listenerFailure = new CompletableFuture<>();
        session.createConsumer(queue).setMessageListener(m -> {
            inListener.countDown();
            try {
                Thread.sleep(400);
                replier.send(session.createTextMessage("sent while closing")); // still usable
                listenerFailure.complete(null);
            } catch (Throwable e) {
                listenerFailure.complete(e);
            }
            listenerReturned.set(System.nanoTime());
        });
        connection.start();
        connection().createSession(false, Session.AUTO_ACKNOWLEDGE).createProducer(queue)
                .send(session.createTextMessage("slow"));
        assertTrue(inListener.await(5, TimeUnit.SECONDS));
        connection.close();
        long closeReturned = System.nanoTime();
        assertTrue(listenerReturned.get() != 0 && listenerReturned.get() <= closeReturned,
                "close returned before the running listener did");
        assertNull(listenerFailure.get(), "the listener could use its session while close waited");
        Connection check = connection();
        MessageConsumer reply = check.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(replies);
        check.start();
        assertEquals("sent while closing", ((TextMessage) reply.receive(5_000)).getText());
    }

    @Test
    void s6_1_8_closedConnectionAndItsChildrenThrowIllegalStateExceptionExceptClose() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("closed"));
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);
        QueueBrowser browser = session.createBrowser(queue);
        producer.send(session.createTextMessage("m"));
        connection.start();
        Message received = consumer.receive(5_000);
        assertNotNull(received);
        connection.close();
        assertThrows(IllegalStateException.class, () -> connection.createSession(false, Session.AUTO_ACKNOWLEDGE));
        assertThrows(IllegalStateException.class, connection::getClientID);
        assertThrows(IllegalStateException.class, connection::start);
        assertThrows(IllegalStateException.class, connection::stop);
        assertThrows(IllegalStateException.class, connection::getMetaData);
        assertThrows(IllegalStateException.class, () -> connection.setExceptionListener(null));
        assertThrows(IllegalStateException.class, () -> session.createProducer(queue));
        assertThrows(IllegalStateException.class, session::createTextMessage);
        assertThrows(IllegalStateException.class, session::getAcknowledgeMode);
        assertThrows(IllegalStateException.class, session::recover);
        assertThrows(IllegalStateException.class, () -> producer.send(received));
        assertThrows(IllegalStateException.class, producer::getDeliveryMode);
        assertThrows(IllegalStateException.class, () -> consumer.receive(10));
        assertThrows(IllegalStateException.class, consumer::receiveNoWait);
        assertThrows(IllegalStateException.class, consumer::getMessageSelector);
        assertThrows(IllegalStateException.class, browser::getEnumeration);
        // 6.1.8: acknowledging a message of a closed connection's session
        assertThrows(IllegalStateException.class, received::acknowledge);
        // the message itself stays usable
        assertEquals("m", ((TextMessage) received).getText());
        // closing closed objects is ignored
        assertDoesNotThrow(() -> {
            browser.close();
            consumer.close();
            producer.close();
            session.close();
            connection.close();
        });
    }

    @Test
    void s6_1_8_closeFromOwnListenerThrowsIllegalStateException() throws Exception {
        assertInstanceOf(IllegalStateException.class, whatAListenerGetsFrom(Connection::close, "close-self"));
    }

    @Test
    void s6_1_8_closingAClientAcknowledgeConnectionDoesNotAcknowledge() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("close-no-ack"));
        session.createProducer(queue).send(session.createTextMessage("again"));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertNotNull(consumer.receive(5_000));
        connection.close();
        Connection next = connection();
        MessageConsumer again = next.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(queue);
        next.start();
        Message redelivered = again.receive(5_000);
        assertNotNull(redelivered, "the unacknowledged message is delivered again");
        assertTrue(redelivered.getJMSRedelivered());
        assertEquals(2, redelivered.getIntProperty("JMSXDeliveryCount"));
    }
}
