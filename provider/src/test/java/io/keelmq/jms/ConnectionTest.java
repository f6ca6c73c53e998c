package io.keelmq.jms;

import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.jms.provider.RequestTimeoutException;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidClientIDException;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnection;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionTest extends FakeBrokerTestBase {

    @Test
    void handshakeCarriesClientIdCredentialsAndProposedHeartbeat() throws Exception {
        Connection connection = connect("clientID=c1", "user=u", "password=p", "heartbeatInterval=5000");
        Frame handshake = broker.requests(RequestCode.HANDSHAKE).get(0);
        assertEquals("1", handshake.header("protocolVersions"));
        assertEquals("c1", handshake.header("clientId"));
        assertEquals("u", handshake.header("user"));
        assertEquals("p", handshake.header("password"));
        assertEquals("5000", handshake.header("heartbeatInterval"));
        assertEquals("c1", connection.getClientID());
    }

    @Test
    void explicitCredentialsReplaceTheFactorys() throws Exception {
        track(factory("user=u", "password=p").createConnection("other", "secret"));
        Frame handshake = broker.requests(RequestCode.HANDSHAKE).get(0);
        assertEquals("other", handshake.header("user"));
        assertEquals("secret", handshake.header("password"));
    }

    @Test
    void rejectedCredentialsAreASecurityException() throws Exception {
        broker.requirePassword("secret");
        assertThrows(JMSSecurityException.class, () -> factory("password=wrong").createConnection());
    }

    @Test
    void clientIdIsSetOnceThroughSetClientId() throws Exception {
        Connection connection = connect();
        assertNull(connection.getClientID());
        connection.setClientID("mine");
        assertEquals("mine", broker.requests(RequestCode.SET_CLIENT_ID).get(0).header("clientId"));
        assertEquals("mine", connection.getClientID());
        assertThrows(IllegalStateException.class, () -> connection.setClientID("again"));
        assertEquals(1, broker.requests(RequestCode.SET_CLIENT_ID).size());
    }

    @Test
    void clientIdCannotBeSetAfterAnotherAction() throws Exception {
        Connection connection = connect();
        connection.createSession();
        assertThrows(IllegalStateException.class, () -> connection.setClientID("late"));
        assertEquals(List.of(), broker.requests(RequestCode.SET_CLIENT_ID));
    }

    @Test
    void administeredClientIdCannotBeChanged() throws Exception {
        Connection connection = connect("clientID=admin");
        assertThrows(IllegalStateException.class, () -> connection.setClientID("other"));
    }

    @Test
    void clientIdInUseIsAnInvalidClientId() throws Exception {
        connect("clientID=dup");
        Connection second = connect();
        assertThrows(InvalidClientIDException.class, () -> second.setClientID("dup"));
        assertThrows(InvalidClientIDException.class, () -> factory("clientID=dup").createConnection());
        assertThrows(InvalidClientIDException.class, () -> connect().setClientID(""));
    }

    @Test
    void invalidAcknowledgeModesAreRefusedBeforeAskingTheBroker() throws Exception {
        Connection connection = connect();
        JMSException e = assertThrows(JMSException.class, () -> connection.createSession(false, 42));
        assertTrue(e.getMessage().contains("invalid acknowledge mode 42"), e.getMessage());
        assertThrows(JMSException.class, () -> connection.createSession(-7));
        assertEquals(List.of(), broker.requests(RequestCode.CREATE_SESSION));
    }

    @Test
    void sessionAckModeIsDeclared() throws Exception {
        Connection connection = connect();
        connection.createSession(Session.AUTO_ACKNOWLEDGE);
        connection.createSession(Session.CLIENT_ACKNOWLEDGE);
        connection.createSession(Session.DUPS_OK_ACKNOWLEDGE);
        List<String> modes = broker.requests(RequestCode.CREATE_SESSION).stream().map(f -> f.header("ackMode"))
                .toList();
        assertEquals(List.of("AUTO", "CLIENT", "DUPS_OK"), modes);
    }

    @Test
    void closeIsIdempotentAndLeavesOnlyCloseUsable() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        MessageConsumer consumer = session.createConsumer(queue);
        connection.close();
        connection.close();
        session.close();
        producer.close();
        consumer.close();
        assertEquals(1, broker.requests(RequestCode.CLOSE).size());
        assertEquals(0, broker.connectionCount());
        assertThrows(IllegalStateException.class, connection::createSession);
        assertThrows(IllegalStateException.class, connection::getClientID);
        assertThrows(IllegalStateException.class, connection::start);
        assertThrows(IllegalStateException.class, () -> session.createTextMessage("x"));
        assertThrows(IllegalStateException.class, () -> producer.send(session.createMessage()));
        assertThrows(IllegalStateException.class, consumer::receiveNoWait);
    }

    @Test
    void closeReleasesPrefetchedMessagesWithoutCountingADelivery() throws Exception {
        Connection connection = connect();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageProducer producer = session.createProducer(queue);
        for (int i = 0; i < 3; i++) {
            producer.send(session.createTextMessage("m" + i));
        }
        KeelMessageConsumer consumer = (KeelMessageConsumer) session.createConsumer(queue);
        connection.start();
        Wait.until("3 messages prefetched", () -> consumer.buffer().size() == 3);
        connection.close();
        Frame closeSession = broker.requests(RequestCode.CLOSE_SESSION).get(0);
        assertEquals(4 + 3 * 20, closeSession.body().length, "an undelivered list of 3 entries");
        assertEquals(3, broker.states("queue/q")[0]);
        assertEquals(List.of(0, 0, 0), List.copyOf(broker.deliveryCounts("queue/q").values()));
    }

    @Test
    void exceptionListenerHearsOfALostConnectionAndReceiveFails() throws Exception {
        Connection connection = connect();
        BlockingQueue<JMSException> heard = new ArrayBlockingQueue<>(5);
        connection.setExceptionListener(heard::add);
        Session session = connection.createSession();
        MessageConsumer consumer = session.createConsumer(session.createQueue("q"));
        connection.start();
        broker.killConnections();
        JMSException cause = heard.poll(5, TimeUnit.SECONDS);
        assertInstanceOf(ConnectionFailedException.class, cause);
        assertThrows(ConnectionFailedException.class, () -> consumer.receive(100));
        assertThrows(ConnectionFailedException.class, () -> session.createProducer(null)
                .send(session.createQueue("q"), session.createMessage()));
        connection.close();
        assertNull(heard.poll(50, TimeUnit.MILLISECONDS), "told only once");
    }

    @Test
    void unsolicitedConnectionErrorReachesTheExceptionListener() throws Exception {
        Connection connection = connect();
        BlockingQueue<JMSException> heard = new ArrayBlockingQueue<>(5);
        connection.setExceptionListener(heard::add);
        broker.connectionError(ErrorCode.INTERNAL, "disk on fire");
        JMSException cause = heard.poll(5, TimeUnit.SECONDS);
        assertNotNull(cause);
        assertTrue(cause.getMessage().contains("disk on fire"), cause.getMessage());
    }

    @Test
    void aNormalCloseIsNotReportedAsAFailure() throws Exception {
        Connection connection = connect();
        BlockingQueue<JMSException> heard = new ArrayBlockingQueue<>(5);
        connection.setExceptionListener(heard::add);
        connection.close();
        assertNull(heard.poll(100, TimeUnit.MILLISECONDS));
    }

    @Test
    void idleClientSendsHeartbeatsAndAnswersTheBrokers() throws Exception {
        broker.heartbeatInterval(50);
        connect();
        List<Frame> heartbeats = broker.awaitRequests(RequestCode.HEARTBEAT, 2, 5000);
        assertTrue(heartbeats.size() >= 2);
        assertTrue(heartbeats.get(0).isOneway());
        broker.pingClients();
        Wait.until("the client answers HEARTBEAT", () -> !broker.answersFromClients().isEmpty());
        Frame answer = broker.answersFromClients().get(0);
        assertEquals(RequestCode.HEARTBEAT.code(), answer.code());
        assertFalse(answer.isError());
    }

    @Test
    void aSilentBrokerIsDetectedAfterThreeHeartbeatIntervals() throws Exception {
        broker.heartbeatInterval(50);
        Connection connection = connect();
        BlockingQueue<JMSException> heard = new ArrayBlockingQueue<>(5);
        connection.setExceptionListener(heard::add);
        broker.goSilent();
        JMSException cause = heard.poll(5, TimeUnit.SECONDS);
        assertNotNull(cause);
        assertTrue(cause.getMessage().contains("three heartbeat intervals"), cause.getMessage());
    }

    @Test
    void anUnansweredRequestTimesOut() throws Exception {
        Connection connection = connect("requestTimeout=500");
        broker.dropAnswers(RequestCode.CREATE_SESSION, 1);
        RequestTimeoutException e = assertThrows(RequestTimeoutException.class, connection::createSession);
        assertTrue(e.getMessage().contains("CREATE_SESSION"), e.getMessage());
        connection.createSession();
    }

    @Test
    void metaDataDescribesJakartaMessaging31AndKeelMQ() throws Exception {
        ConnectionMetaData meta = connect().getMetaData();
        assertEquals("3.1", meta.getJMSVersion());
        assertEquals(3, meta.getJMSMajorVersion());
        assertEquals(1, meta.getJMSMinorVersion());
        assertEquals("KeelMQ", meta.getJMSProviderName());
        assertNotNull(meta.getProviderVersion());
        @SuppressWarnings("unchecked")
        List<String> names = Collections.list(meta.getJMSXPropertyNames());
        assertEquals(List.of("JMSXDeliveryCount", "JMSXGroupID", "JMSXGroupSeq"), names);
    }

    @Test
    void connectionConsumersAreOptionalAndRefusedByDomain() throws Exception {
        Connection connection = connect();
        JMSException e = assertThrows(JMSException.class,
                () -> connection.createConnectionConsumer(new KeelQueue("q"), null, null, 1));
        assertTrue(e.getMessage().contains("not supported"));
        QueueConnection queueConnection = track(factory().createQueueConnection());
        assertThrows(IllegalStateException.class, () -> queueConnection.createDurableConnectionConsumer(
                new KeelTopic("t"), "s", null, null, 1));
    }

    @Test
    void brokerOptionsOfAVmUrlReachTheInVmBroker() throws Exception {
        connect("broker.flushDiskType=SYNC_FLUSH");
        assertEquals(java.util.Map.of("flushDiskType", "SYNC_FLUSH"), broker.startOptions());
    }

    @Test
    void anUnknownSchemeFailsClearly() {
        JMSException e = assertThrows(JMSException.class,
                () -> new KeelConnectionFactory("tcp://nowhere").createConnection());
        assertTrue(e.getMessage().contains("unknown scheme"), e.getMessage());
    }
}
