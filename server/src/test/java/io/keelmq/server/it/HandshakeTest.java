package io.keelmq.server.it;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameFlags;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.keelmq.server.testing.TestClient.errorOf;
import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeTest extends BrokerTestBase {

    @Test
    void handshakeAgreesOnVersionAndHeartbeat() throws Exception {
        TestClient client = rawClient();
        Frame answer = requireOk(client.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "3, 1, 2",
                "heartbeatInterval", "5000"), null));
        assertEquals("1", answer.header("protocolVersion"));
        assertEquals("5000", answer.header("heartbeatInterval"));
        assertNotNull(answer.header("connectionId"));
        assertNotNull(answer.header("brokerVersion"));
        requireOk(client.request(RequestCode.HEARTBEAT, Map.of(), null));
    }

    @Test
    void heartbeatIsClampedToTheBrokersBounds() throws Exception {
        TestClient client = rawClient();
        Frame answer = requireOk(client.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "1",
                "heartbeatInterval", "1"), null));
        assertEquals("1000", answer.header("heartbeatInterval"));
        TestClient other = rawClient();
        Frame defaulted = requireOk(other.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "1"), null));
        assertEquals("30000", defaulted.header("heartbeatInterval"));
        assertNotEquals(answer.header("connectionId"), defaulted.header("connectionId"));
    }

    @Test
    void noCommonVersionIsRefusedAndClosed() throws Exception {
        TestClient client = rawClient();
        Frame answer = client.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "2,7"), null);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, errorOf(answer));
        assertTrue(client.awaitClosed(10_000));
    }

    @Test
    void clientIdsAreUnique() throws Exception {
        client("app-1");
        TestClient second = rawClient();
        assertEquals(ErrorCode.INVALID_CLIENT_ID, errorOf(second.handshake("app-1")));
        assertTrue(second.awaitClosed(10_000));
        TestClient third = client(null);
        assertEquals(ErrorCode.INVALID_CLIENT_ID,
                errorOf(third.request(RequestCode.SET_CLIENT_ID, Map.of("clientId", "app-1"), null)));
        requireOk(third.request(RequestCode.SET_CLIENT_ID, Map.of("clientId", "app-3"), null));
        assertEquals(ErrorCode.ILLEGAL_STATE,
                errorOf(third.request(RequestCode.SET_CLIENT_ID, Map.of("clientId", "app-4"), null)));
    }

    @Test
    void clientIdIsFreedWhenItsConnectionCloses() throws Exception {
        TestClient first = client("app-1");
        requireOk(first.request(RequestCode.CLOSE, Map.of(), null));
        assertTrue(first.awaitClosed(10_000));
        long deadline = System.currentTimeMillis() + 10_000;
        Frame answer;
        do {
            TestClient again = rawClient();
            answer = again.handshake("app-1");
        } while (answer.isError() && System.currentTimeMillis() < deadline);
        requireOk(answer);
    }

    @Test
    void firstFrameMustBeHandshake() throws Exception {
        TestClient client = rawClient();
        Frame answer = client.request(RequestCode.CREATE_SESSION, Map.of("sessionId", "1", "ackMode", "AUTO"), null);
        assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(answer));
        assertTrue(client.awaitClosed(10_000));
    }

    @Test
    void commitAndRollbackNeedATransactedSession() throws Exception {
        TestClient client = client(null);
        client.createSession(1, "AUTO");
        client.createSession(2, "TRANSACTED");
        for (RequestCode code : new RequestCode[] {RequestCode.COMMIT, RequestCode.ROLLBACK}) {
            Frame answer = client.request(code, Map.of("sessionId", "1"), null);
            assertEquals(ErrorCode.ILLEGAL_STATE, errorOf(answer));
            assertTrue(answer.errorMessage().contains("not transacted"), answer.errorMessage());
            assertEquals(ErrorCode.NOT_FOUND, errorOf(client.request(code, Map.of("sessionId", "3"), null)));
            Frame ok = client.request(code, Map.of("sessionId", "2"), null);
            assertFalse(ok.isError(), code + " of an empty transaction: " + ok);
        }
        assertFalse(client.awaitClosed(200));
    }

    @Test
    void unknownRequestCodeClosesWithConnectionError() throws Exception {
        TestClient client = client(null);
        client.write(new Frame(Frame.CURRENT_VERSION, (short) 999, 5, 0, Map.of(), null));
        Frame error = client.nextUnsolicited(10_000);
        assertNotNull(error);
        assertEquals(RequestCode.CLOSE.code(), error.code());
        assertEquals(FrameFlags.ONEWAY | FrameFlags.ERROR, error.flags());
        assertEquals(ErrorCode.UNKNOWN_REQUEST, error.errorCode());
        assertTrue(client.awaitClosed(10_000));
    }
}
