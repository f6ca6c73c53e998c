package io.keelmq.server.jms;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameFlags;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.TestClient;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile or mistaken input costs only its sender: JMS clients on the same broker carry on. */
class BadInputJmsTest extends JmsTestBase {
    private static final int MAX_MESSAGE_SIZE = 64 * 1024;

    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.MAX_MESSAGE_SIZE, MAX_MESSAGE_SIZE);
    }

    @Test
    void garbageAndOversizeFramesLoseOnlyTheirOwnConnection() throws Exception {
        Traffic traffic = new Traffic(connection(null));
        Thread thread = new Thread(traffic, "jms-traffic");
        thread.start();
        try {
            traffic.awaitRoundTrips(1);

            TestClient garbage = TestClient.connect(broker.listenAddress());
            garbage.writeRaw("GET / HTTP/1.1\r\nHost: keel\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertConnectionError(garbage);
            garbage.close();

            TestClient oversize = TestClient.connect(broker.listenAddress());
            oversize.writeRaw(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array());
            assertEquals(ErrorCode.FRAME_TOO_LARGE, assertConnectionError(oversize).errorCode());
            oversize.close();

            int before = traffic.roundTrips.get();
            traffic.awaitRoundTrips(before + 5);
        } finally {
            traffic.stop = true;
            thread.join(30_000);
        }
        assertNull(traffic.failure.get(), "the JMS client never failed");
    }

    private static Frame assertConnectionError(TestClient client) throws Exception {
        Frame error = client.nextUnsolicited(10_000);
        assertNotNull(error, "a connection error frame before the close");
        assertEquals(RequestCode.CLOSE.code(), error.code());
        assertEquals(FrameFlags.ONEWAY | FrameFlags.ERROR, error.flags());
        assertTrue(client.awaitClosed(10_000), "the broker closes the connection");
        return error;
    }

    /** Sends a message and receives it back, over and over, on one connection. */
    private static final class Traffic implements Runnable {
        final AtomicInteger roundTrips = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Connection connection;
        volatile boolean stop;

        Traffic(Connection connection) {
            this.connection = connection;
        }

        @Override
        public void run() {
            try {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Queue queue = session.createQueue("traffic");
                MessageProducer producer = session.createProducer(queue);
                MessageConsumer consumer = session.createConsumer(queue);
                connection.start();
                for (int i = 0; !stop; i++) {
                    producer.send(session.createTextMessage("round " + i));
                    Message back = consumer.receive(10_000);
                    if (back == null || !("round " + i).equals(((TextMessage) back).getText())) {
                        throw new AssertionError("round " + i + " came back as " + back);
                    }
                    roundTrips.incrementAndGet();
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }

        void awaitRoundTrips(int n) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 20_000;
            while (roundTrips.get() < n && failure.get() == null && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            assertNull(failure.get(), "traffic failed");
            assertTrue(roundTrips.get() >= n, "round trips " + roundTrips.get() + " < " + n);
        }
    }

    @Test
    void aMessageOverMaxMessageSizeFailsClearlyAndIsNotStored() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("sized");
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("before"));

        BytesMessage big = session.createBytesMessage();
        big.writeBytes(new byte[MAX_MESSAGE_SIZE + 1]);
        JMSException refused = assertThrows(JMSException.class, () -> producer.send(big));
        String text = refused.getMessage();
        assertTrue(text.contains("maxMessageSize") && text.contains(Integer.toString(MAX_MESSAGE_SIZE)),
                "names the limit: " + text);
        Matcher size = Pattern.compile("(\\d+) bytes").matcher(text);
        assertTrue(size.find() && Long.parseLong(size.group(1)) > MAX_MESSAGE_SIZE, "names the size: " + text);

        producer.send(session.createTextMessage("after"));
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        assertEquals(List.of("before", "after"), TopicJmsTest.texts(drain(consumer, 500)));
    }
}
