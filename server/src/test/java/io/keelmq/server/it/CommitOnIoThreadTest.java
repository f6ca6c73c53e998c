package io.keelmq.server.it;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.testing.TestClient.requireOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SYNC_FLUSH sends read by a network I/O thread are forced by that thread after its read batch (commitOnIoThread):
 * the force's dispatch, and so the arrival of the messages in their queue, happens there, not on the group-commit
 * thread; and nothing of it changes what a client sees.
 */
class CommitOnIoThreadTest extends BrokerTestBase {
    private static final DestinationRef QUEUE = DestinationRef.queue("io-commit");
    private static final int CLIENTS = 4;
    private static final int SENDS_EACH = 50;

    private void restartWith(boolean commitOnIoThread) throws Exception {
        broker.close();
        broker = Broker.start(TestBrokers.config(dir)
                .set(ConfigKeys.COMMIT_ON_IO_THREAD.name(), Boolean.toString(commitOnIoThread)).build());
    }

    /** Sends from several connections at once, pipelined, and answers the threads that dispatched them. */
    private Set<String> sendFromSeveralConnectionsAndRecordDispatchingThreads() throws Exception {
        Set<String> dispatchingThreads = ConcurrentHashMap.newKeySet();
        broker.store().addArrivalListener((destination, partition, maxOffset) ->
                dispatchingThreads.add(Thread.currentThread().getName().replaceAll("-\\d+", "")));
        List<CompletableFuture<Frame>> answers = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            TestClient client = client("sender-" + c);
            for (int i = 0; i < SENDS_EACH; i++) {
                answers.add(client.requestAsync(RequestCode.SEND, Map.of("sessionId", "1", "producerId", "1"),
                        WireMessageCodec.encode(TestClient.text(QUEUE, c + "-" + i))));
            }
        }
        for (CompletableFuture<Frame> answer : answers) {
            assertEquals("SEND_OK", requireOk(answer.get(30, TimeUnit.SECONDS)).header("status"));
        }
        return dispatchingThreads;
    }

    private Set<String> receiveAll() throws Exception {
        TestClient consumer = consumer("consumer", 1, QUEUE, Map.of());
        Set<String> texts = new HashSet<>();
        while (texts.size() < CLIENTS * SENDS_EACH) {
            List<Delivered> page = consumer.pull(1, 100, 5_000);
            assertTrue(!page.isEmpty(), "only " + texts.size() + " of " + CLIENTS * SENDS_EACH + " arrived");
            page.forEach(d -> texts.add(d.text()));
            consumer.ack(1, page);
        }
        return texts;
    }

    @Test
    void theIoThreadForcesAndDispatchesWhatItRead() throws Exception {
        Set<String> threads = sendFromSeveralConnectionsAndRecordDispatchingThreads();
        // Not only keel-io: a send that finds its connection's turn still held by a worker (the handshake's,
        // answered a moment before it is released) queues and runs on the worker, which leaves it to the
        // group-commit thread. With the setting off, keel-io never appears (the next test).
        assertTrue(threads.contains("keel-io"), "dispatched (right after the force) on: " + threads);
        assertEquals(CLIENTS * SENDS_EACH, receiveAll().size());
        assertTrue(broker.store().commitLogForces() < CLIENTS * SENDS_EACH, "sends of a read batch share a force");
    }

    @Test
    void withCommitOnIoThreadOffTheGroupCommitThreadForces() throws Exception {
        restartWith(false);
        Set<String> threads = sendFromSeveralConnectionsAndRecordDispatchingThreads();
        assertEquals(Set.of("keel-store-group-commit"), threads, "dispatched (right after the force) on: " + threads);
        assertEquals(CLIENTS * SENDS_EACH, receiveAll().size());
    }

    @Test
    void sendsSurviveARestartWhenForcedOnTheIoThread() throws Exception {
        sendFromSeveralConnectionsAndRecordDispatchingThreads();
        restartBroker();
        assertEquals(CLIENTS * SENDS_EACH, receiveAll().size());
    }
}
