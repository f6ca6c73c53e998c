package io.keelmq.jms;

import io.keelmq.jms.fake.TcpBridge;
import io.keelmq.jms.provider.ConnectionFailedException;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ServerSocket;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same client over TCP, with each {@code keel://} transport ({@code tcpTransport=blocking|netty}): the frame
 * codec, and connection loss detected from the socket.
 */
class TcpTransportTest extends FakeBrokerTestBase {
    private TcpBridge bridge;

    @BeforeEach
    void openPort() throws InterruptedException {
        bridge = new TcpBridge(broker);
    }

    @AfterEach
    void closePort() {
        bridge.close();
    }

    private Connection tcpConnect(String transport, String hosts) throws JMSException {
        return track(new KeelConnectionFactory("keel://" + hosts + "?requestTimeout=2000&tcpTransport=" + transport)
                .createConnection());
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void sendsAndReceivesOverTcp(String transport) throws Exception {
        Connection connection = tcpConnect(transport, "127.0.0.1:" + bridge.port());
        connection.start();
        Session session = connection.createSession();
        Queue queue = session.createQueue("q");
        MessageConsumer consumer = session.createConsumer(queue);
        BytesMessage big = session.createBytesMessage();
        byte[] payload = new byte[300_000];
        payload[299_999] = 42;
        big.writeBytes(payload);
        session.createProducer(queue).send(session.createTextMessage("over tcp"));
        session.createProducer(queue).send(big);
        assertEquals("over tcp", ((TextMessage) consumer.receive(2000)).getText());
        BytesMessage received = (BytesMessage) consumer.receive(2000);
        byte[] copy = new byte[(int) received.getBodyLength()];
        received.readBytes(copy);
        assertArrayEquals(payload, copy);
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void theNextAddressIsTriedWhenTheFirstRefuses(String transport) throws Exception {
        tcpConnect(transport, "127.0.0.1:" + unusedPort() + ",127.0.0.1:" + bridge.port()).createSession();
        assertEquals(1, broker.requests(RequestCode.HANDSHAKE).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void noReachableBrokerIsAClearFailure(String transport) throws Exception {
        int port = unusedPort();
        ConnectionFailedException e = assertThrows(ConnectionFailedException.class,
                () -> tcpConnect(transport, "127.0.0.1:" + port));
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"blocking", "netty"})
    void aDroppedSocketReachesTheExceptionListener(String transport) throws Exception {
        Connection connection = tcpConnect(transport, "127.0.0.1:" + bridge.port());
        BlockingQueue<JMSException> heard = new ArrayBlockingQueue<>(1);
        connection.setExceptionListener(heard::add);
        bridge.dropConnections();
        assertInstanceOf(ConnectionFailedException.class, heard.poll(5, TimeUnit.SECONDS));
        assertThrows(ConnectionFailedException.class, connection::createSession);
    }
}
