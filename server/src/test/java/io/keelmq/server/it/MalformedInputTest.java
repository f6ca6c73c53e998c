package io.keelmq.server.it;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameFlags;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.keelmq.server.testing.TestClient.errorOf;
import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A misbehaving peer loses its own connection and nothing else. */
class MalformedInputTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("q");

    @Test
    void garbageGetsAConnectionErrorWhileOthersCarryOn() throws Exception {
        TestClient good = consumer(null, 1, QUEUE, Map.of());
        TestClient bad = rawClient();
        bad.writeRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertConnectionError(bad);
        good.sendText(QUEUE, "still here");
        assertEquals(1, QueueTest.drain(good, 1).size());
    }

    @Test
    void oversizeLengthFieldIsRefusedBeforeTheBody() throws Exception {
        TestClient good = consumer(null, 1, QUEUE, Map.of());
        TestClient bad = client(null);
        bad.writeRaw(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
        Frame error = assertConnectionError(bad);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, error.errorCode());
        good.sendText(QUEUE, "still here");
        assertEquals(1, QueueTest.drain(good, 1).size());
    }

    @Test
    void badProtocolVersionByteIsRefused() throws Exception {
        TestClient bad = rawClient();
        bad.writeRaw(new byte[] {0, 0, 0, 14, 9});
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, assertConnectionError(bad).errorCode());
    }

    @Test
    void malformedMessageBodyClosesOnlyThatConnection() throws Exception {
        TestClient good = client(null);
        TestClient bad = client(null);
        Frame answer = bad.request(RequestCode.SEND, Map.of("sessionId", "1", "producerId", "1"),
                new byte[] {1, 2, 3});
        assertEquals(ErrorCode.MALFORMED_FRAME, errorOf(answer));
        assertTrue(bad.awaitClosed(10_000));
        requireOk(good.sendText(QUEUE, "fine"));
    }

    @Test
    void missingRequiredHeaderIsAProtocolViolation() throws Exception {
        TestClient bad = client(null);
        Frame answer = bad.request(RequestCode.CREATE_SESSION, Map.of("ackMode", "AUTO"), null);
        assertEquals(ErrorCode.MALFORMED_FRAME, errorOf(answer));
        assertTrue(answer.errorMessage().contains("sessionId"), answer.errorMessage());
        assertTrue(bad.awaitClosed(10_000));
    }

    private static Frame assertConnectionError(TestClient client) throws Exception {
        Frame error = client.nextUnsolicited(10_000);
        assertNotNull(error, "a connection error frame");
        assertEquals(RequestCode.CLOSE.code(), error.code());
        assertEquals(0, error.correlationId());
        assertEquals(FrameFlags.ONEWAY | FrameFlags.ERROR, error.flags());
        assertTrue(client.awaitClosed(10_000), "the broker closes the connection");
        return error;
    }
}
