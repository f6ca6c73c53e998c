package io.keelmq.server.it;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameFlags;
import io.keelmq.protocol.frame.RequestCode;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heartbeats, the handshake deadline, the send queue's BUSY answers and one-way sends. */
class FlowControlTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("flow");

    private void restartWith(Map<String, Object> settings) throws Exception {
        broker.close();
        var builder = TestBrokers.config(dir);
        for (Map.Entry<String, Object> entry : settings.entrySet()) {
            builder.set(entry.getKey(), entry.getValue().toString());
        }
        broker = Broker.start(builder.build());
    }

    @Test
    void brokerSendsHeartbeatsAndClosesASilentPeer() throws Exception {
        restartWith(Map.of(ConfigKeys.MIN_HEARTBEAT_INTERVAL_MILLIS.name(), 100));
        TestClient client = rawClient();
        Frame answer = requireOk(client.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "1",
                "heartbeatInterval", "200"), null));
        assertEquals("200", answer.header("heartbeatInterval"));
        Frame heartbeat = client.nextUnsolicited(10_000);
        assertNotNull(heartbeat);
        assertEquals(RequestCode.HEARTBEAT.code(), heartbeat.code());
        assertTrue(heartbeat.isOneway());
        assertTrue(client.awaitClosed(20_000), "a peer silent for three intervals is closed");
    }

    @Test
    void connectionWithoutHandshakeIsClosed() throws Exception {
        restartWith(Map.of(ConfigKeys.HANDSHAKE_TIMEOUT_MILLIS.name(), 300));
        TestClient client = rawClient();
        Frame error = client.nextUnsolicited(10_000);
        assertNotNull(error);
        assertEquals(FrameFlags.ONEWAY | FrameFlags.ERROR, error.flags());
        assertTrue(error.errorMessage().contains("handshakeTimeoutMillis"));
        assertTrue(client.awaitClosed(10_000));
    }

    @Test
    void overloadedSendQueueAnswersBusyAndDropsNothingSilently() throws Exception {
        restartWith(Map.of(ConfigKeys.SEND_THREAD_POOL_QUEUE_CAPACITY.name(), 1,
                ConfigKeys.MAX_IN_FLIGHT_SENDS.name(), 1, ConfigKeys.WAIT_TIME_MILLS_IN_SEND_QUEUE.name(), 1));
        int[] outcome = pipelineSends(300, "");
        assertTrue(outcome[0] > 0, "a one-slot send queue overflows under 300 pipelined sends");
    }

    @Test
    void sendsBeyondMaxInFlightSendsAreAnsweredBusyAtOnce() throws Exception {
        // Only the in-flight bound can refuse here: the queue bound and the wait limit are far away.
        restartWith(Map.of(ConfigKeys.MAX_IN_FLIGHT_SENDS.name(), 1,
                ConfigKeys.WAIT_TIME_MILLS_IN_SEND_QUEUE.name(), 600_000));
        int[] outcome = pipelineSends(300, "maxInFlightSends");
        assertTrue(outcome[0] > 0, "one in-flight slot cannot hold 300 pipelined sends");
        assertTrue(outcome[1] > 0, "the slot is given back once a send is answered");
    }

    /**
     * Pipelines {@code count} sends; every refusal must be BUSY (naming {@code busyCause}), and exactly the
     * accepted messages are delivered. Answers {busy, accepted}.
     */
    private int[] pipelineSends(int count, String busyCause) throws Exception {
        TestClient producer = client(null);
        List<WireMessage> messages = new ArrayList<>();
        List<CompletableFuture<Frame>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            WireMessage message = TestClient.text(QUEUE, "m" + i);
            messages.add(message);
            answers.add(producer.requestAsync(RequestCode.SEND, Map.of("sessionId", "1", "producerId", "1"),
                    WireMessageCodec.encode(message)));
        }
        Set<String> stored = new HashSet<>();
        int busy = 0;
        for (int i = 0; i < answers.size(); i++) {
            Frame answer = answers.get(i).get(30, TimeUnit.SECONDS);
            if (answer.isError()) {
                assertEquals(ErrorCode.BUSY, answer.errorCode(), answer.errorMessage());
                assertTrue(answer.errorMessage().contains(busyCause), answer.errorMessage());
                busy++;
            } else {
                assertEquals("SEND_OK", answer.header("status"));
                stored.add(messages.get(i).getMessageId());
            }
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        Set<String> received = new HashSet<>();
        for (Delivered d : QueueTest.drain(consumer, 1)) {
            received.add(d.id());
        }
        assertEquals(stored, received);
        return new int[]{busy, stored.size()};
    }

    @Test
    void oneWayNonPersistentSendIsStored() throws Exception {
        TestClient producer = client(null);
        WireMessage message = TestClient.text(QUEUE, "fire and forget");
        message.setDeliveryMode(WireMessage.NON_PERSISTENT);
        producer.oneway(RequestCode.SEND, Map.of("sessionId", "1", "producerId", "1"),
                WireMessageCodec.encode(message));
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = consumer.pull(1, 10, 10_000);
        assertEquals(1, got.size());
        assertEquals(WireMessage.NON_PERSISTENT, got.get(0).message().getDeliveryMode());
        assertEquals(null, producer.nextUnsolicited(100), "a one-way send is not answered");
    }

    @Test
    void batchIsStoredContiguouslyInOnePartition() throws Exception {
        TestClient producer = client(null);
        io.netty.buffer.ByteBuf body = io.netty.buffer.Unpooled.buffer();
        body.writeInt(3);
        for (int i = 0; i < 3; i++) {
            byte[] encoded = WireMessageCodec.encode(TestClient.text(QUEUE, "b" + i));
            body.writeInt(encoded.length).writeBytes(encoded);
        }
        Frame answer = requireOk(producer.request(RequestCode.SEND_BATCH, Map.of("sessionId", "1",
                "producerId", "1"), io.netty.buffer.ByteBufUtil.getBytes(body)));
        assertEquals("SEND_OK", answer.header("status"));
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        List<Delivered> got = QueueTest.drain(consumer, 1);
        assertEquals(3, got.size());
        for (int i = 0; i < 3; i++) {
            assertEquals("b" + i, got.get(i).text());
            assertEquals(Integer.parseInt(answer.header("partition")), got.get(i).partition());
            assertEquals(Long.parseLong(answer.header("queueOffset")) + i, got.get(i).offset());
        }
    }
}
