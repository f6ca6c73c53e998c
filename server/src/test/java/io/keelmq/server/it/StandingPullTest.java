package io.keelmq.server.it;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A standing PULL (protocol/README.md, "Requests"): the broker sends what it claims as partial answers within the
 * window the client granted, CREDIT widens the window, and an empty last answer ends it. The test client hands the
 * first answer to the request's future and every later answer of the same request to its unsolicited queue.
 */
class StandingPullTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("standing");
    /** How long a test waits to be sure nothing more comes. */
    private static final long QUIET_MILLIS = 300;

    @Test
    void arrivalsComeAsPartialAnswersWithinTheWindowAndCreditWidensIt() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        CompletableFuture<Frame> first = consumer.requestAsync(RequestCode.PULL, standing(1, 3, 1_000_000), null);
        TestClient producer = client(null);
        for (int i = 0; i < 5; i++) {
            requireOk(producer.sendText(QUEUE, "m" + i));
        }
        List<String> got = new ArrayList<>(texts(requireOk(first.get(10, TimeUnit.SECONDS)), true));
        got.addAll(partialTexts(consumer, 3 - got.size()));
        assertEquals(List.of("m0", "m1", "m2"), got, "the first window is three messages");
        assertNull(consumer.nextUnsolicited(QUIET_MILLIS), "nothing beyond the window");

        consumer.oneway(RequestCode.CREDIT, credit(1, 5, 1_000_000), null);
        assertEquals(List.of("m3", "m4"), partialTexts(consumer, 2));

        // A CREDIT that an earlier, smaller one overtook changes nothing; a new arrival waits for room.
        consumer.oneway(RequestCode.CREDIT, credit(1, 4, 1_000_000), null);
        requireOk(producer.sendText(QUEUE, "m5"));
        assertNull(consumer.nextUnsolicited(QUIET_MILLIS), "the window is full at five");
        consumer.oneway(RequestCode.CREDIT, credit(1, 6, 1_000_000), null);
        assertEquals(List.of("m5"), partialTexts(consumer, 1));
    }

    @Test
    void theByteWindowLetsAClaimsFirstMessageThroughAndNothingAfterIt() throws Exception {
        TestClient producer = client(null);
        for (int i = 0; i < 3; i++) {
            requireOk(producer.sendText(QUEUE, "b" + i));
        }
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        CompletableFuture<Frame> first = consumer.requestAsync(RequestCode.PULL, standing(1, 100, 1), null);
        assertEquals(List.of("b0"), texts(requireOk(first.get(10, TimeUnit.SECONDS)), true));
        assertNull(consumer.nextUnsolicited(QUIET_MILLIS), "the byte credit is used up");
        consumer.oneway(RequestCode.CREDIT, credit(1, 100, 1_000_000), null);
        assertEquals(List.of("b1", "b2"), partialTexts(consumer, 2));
    }

    @Test
    void aNewPullEndsTheStandingOneWithAnEmptyLastAnswerAndItsCreditIsThenIgnored() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        CompletableFuture<Frame> standing = consumer.requestAsync(RequestCode.PULL, standing(1, 10, 1_000_000), null);
        Thread.sleep(100);
        Frame ended = requireOk(consumer.pullFrame(1, 0, 0));
        Frame last = requireOk(standing.get(10, TimeUnit.SECONDS));
        assertNull(last.header("more"), "the last answer");
        assertEquals(List.of(), texts(last, false));
        assertEquals(List.of(), TestClient.deliveries(ended.body(), false).deliveries);

        TestClient producer = client(null);
        requireOk(producer.sendText(QUEUE, "after"));
        consumer.oneway(RequestCode.CREDIT, credit(1, 20, 1_000_000), null);
        consumer.oneway(RequestCode.CREDIT, Map.of("consumerId", "99", "standing", "1", "messages", "1",
                "bytes", "1"), null);
        assertNull(consumer.nextUnsolicited(QUIET_MILLIS), "no pull stands: nothing is sent");
        List<Delivered> pulled = consumer.pull(1, 10, 0);
        assertEquals(1, pulled.size(), "the connection still works and the message is still there");
        assertEquals("after", pulled.get(0).text());
    }

    @Test
    void aStandingPullEndsWhenItsHoldTimeIsOver() throws Exception {
        TestClient consumer = consumer(null, 1, QUEUE, Map.of());
        Map<String, String> headers = new java.util.HashMap<>(standing(1, 10, 1_000_000));
        headers.put("holdMillis", "200");
        Frame last = requireOk(consumer.requestAsync(RequestCode.PULL, headers, null).get(10, TimeUnit.SECONDS));
        assertNull(last.header("more"));
        assertEquals(List.of(), texts(last, false));
    }

    private static Map<String, String> standing(long id, int messages, long bytes) {
        return Map.of("consumerId", "1", "maxMessages", Integer.toString(messages), "maxBytes",
                Long.toString(bytes), "holdMillis", "60000", "standing", Long.toString(id));
    }

    private static Map<String, String> credit(long id, long messages, long bytes) {
        return Map.of("consumerId", "1", "standing", Long.toString(id), "messages", Long.toString(messages),
                "bytes", Long.toString(bytes));
    }

    private static List<String> texts(Frame answer, boolean partial) {
        assertEquals(partial ? "true" : null, answer.header("more"), "a partial answer says more follow");
        List<String> texts = new ArrayList<>();
        for (Delivered d : TestClient.deliveries(answer.body(), false).deliveries) {
            texts.add(d.text());
        }
        return texts;
    }

    /** Reads partial answers until {@code count} messages came (each answer carries one or more). */
    private static List<String> partialTexts(TestClient consumer, int count) throws InterruptedException {
        List<String> texts = new ArrayList<>();
        while (texts.size() < count) {
            Frame answer = consumer.nextUnsolicited(10_000);
            assertTrue(answer != null, "a partial answer within 10 s; got " + texts);
            texts.addAll(texts(answer, true));
        }
        return texts;
    }
}
