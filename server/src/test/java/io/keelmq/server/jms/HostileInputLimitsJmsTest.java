package io.keelmq.server.jms;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameFlags;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.TestClient;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.ResourceAllocationException;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each limit on what one client may ask, breached on purpose: only the offending connection is closed, with an
 * error naming the limit and its configured value, while a bystander connected before carries on.
 */
class HostileInputLimitsJmsTest extends JmsTestBase {
    private Session bystander;
    private Queue bystanderQueue;

    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig()
                .set(ConfigKeys.MAX_HEADER_COUNT, 16)
                .set(ConfigKeys.MAX_PROPERTY_COUNT, 5)
                .set(ConfigKeys.MAX_PROPERTIES_SIZE, 200)
                .set(ConfigKeys.MAX_CONNECTIONS_PER_ADDRESS, 3)
                .set(ConfigKeys.MAX_CONSUMERS_PER_SESSION, 2)
                .set(ConfigKeys.HANDSHAKE_TIMEOUT_MILLIS, 2_000L);   // short, yet long enough for a loaded machine
    }

    @BeforeEach
    void connectBystander() throws JMSException {
        Connection connection = connection(null);
        connection.start();
        bystander = connection.createSession();
        bystanderQueue = bystander.createQueue("bystander");
    }

    /** The bystander still sends and receives. */
    private void bystanderCarriesOn() throws JMSException {
        bystander.createProducer(bystanderQueue).send(bystander.createTextMessage("still here"));
        MessageConsumer consumer = bystander.createConsumer(bystanderQueue);
        assertEquals("still here", ((TextMessage) consumer.receive(5_000)).getText());
        consumer.close();
    }

    /** The connection error the broker sent before closing {@code client}. */
    private static Frame connectionError(TestClient client) throws Exception {
        Frame error = client.nextUnsolicited(10_000);
        assertNotNull(error, "a connection error frame");
        assertEquals(RequestCode.CLOSE.code(), error.code());
        assertEquals(FrameFlags.ONEWAY | FrameFlags.ERROR, error.flags());
        assertTrue(client.awaitClosed(10_000), "the broker closes the connection");
        return error;
    }

    private static ResourceAllocationException limitExceeded(Executable action) {
        ResourceAllocationException e = assertThrows(ResourceAllocationException.class, action);
        assertEquals("LIMIT_EXCEEDED", e.getErrorCode());
        return e;
    }

    private void awaitConnections(int expected) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (broker.connectionCount() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, broker.connectionCount());
    }

    @Test
    void tooManyHeadersInAFrame() throws Exception {
        try (TestClient bad = TestClient.open(broker.listenAddress(), null)) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < 17; i++) {
                headers.put("h" + i, "v");
            }
            bad.write(Frame.request(RequestCode.HEARTBEAT, 99, headers, null));
            Frame error = connectionError(bad);
            assertEquals(ErrorCode.TOO_MANY_HEADERS, error.errorCode());
            assertEquals("header count 17 exceeds maxHeaderCount 16", error.errorMessage());
        }
        bystanderCarriesOn();
    }

    @Test
    void frameTooLarge() throws Exception {
        try (TestClient bad = TestClient.open(broker.listenAddress(), null)) {
            bad.writeRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE - 1).array());
            Frame error = connectionError(bad);
            assertEquals(ErrorCode.FRAME_TOO_LARGE, error.errorCode());
            assertTrue(error.errorMessage().contains("exceeds maxFrameSize "
                    + broker.config().frameLimits().maxFrameSize()), error.errorMessage());
        }
        bystanderCarriesOn();
    }

    @Test
    void tooManyPropertiesInAMessage() throws Exception {
        Connection bad = connection(null);
        Session session = bad.createSession();
        TextMessage message = session.createTextMessage("six properties");
        for (int i = 0; i < 6; i++) {
            message.setIntProperty("p" + i, i);
        }
        ResourceAllocationException e = limitExceeded(
                () -> session.createProducer(session.createQueue("q")).send(message));
        assertTrue(e.getMessage().contains("message with 6 properties exceeds maxPropertyCount 5"), e.getMessage());
        awaitConnections(1);
        bystanderCarriesOn();
    }

    @Test
    void propertiesTooLargeInAMessage() throws Exception {
        Connection bad = connection(null);
        Session session = bad.createSession();
        TextMessage message = session.createTextMessage("one large property");
        message.setStringProperty("big", "x".repeat(300));
        ResourceAllocationException e = limitExceeded(
                () -> session.createProducer(session.createQueue("q")).send(message));
        assertTrue(e.getMessage().contains("exceed maxPropertiesSize 200"), e.getMessage());
        awaitConnections(1);
        bystanderCarriesOn();
    }

    @Test
    void tooManyConnectionsFromOneAddress() throws Exception {
        connection(null).createSession().close();
        connection(null).createSession().close();   // with the bystander: 3, the limit
        ResourceAllocationException e = limitExceeded(() -> track(factory().createConnection()));
        assertTrue(e.getMessage().contains("too many connections from 127.0.0.1: maxConnectionsPerAddress is 3"),
                e.getMessage());
        bystanderCarriesOn();
        awaitConnections(3);
    }

    @Test
    void tooManyConsumersInASession() throws Exception {
        Connection bad = connection(null);
        Session session = bad.createSession();
        Queue queue = session.createQueue("q");
        session.createConsumer(queue);
        session.createConsumer(queue).close();   // closed consumers do not count
        session.createConsumer(queue);
        ResourceAllocationException e = limitExceeded(() -> session.createConsumer(queue));
        assertTrue(e.getMessage().contains("already has 2 open consumers: maxConsumersPerSession is 2"),
                e.getMessage());
        awaitConnections(1);
        bystanderCarriesOn();
    }

    @Test
    void noHandshakeInTime() throws Exception {
        try (TestClient silent = TestClient.connect(broker.listenAddress())) {
            Frame error = connectionError(silent);
            assertEquals(ErrorCode.ILLEGAL_STATE, error.errorCode());
            assertEquals("no HANDSHAKE received within handshakeTimeoutMillis 2000 ms", error.errorMessage());
        }
        bystanderCarriesOn();
    }
}
