package io.keelmq.server.it;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.Delivered;
import io.keelmq.server.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * SIGKILL in the middle of load: every message answered SEND_OK is there after a restart,
 * and a message delivered twice is flagged redelivered the second time.
 */
class CrashTest {
    private static final DestinationRef QUEUE = DestinationRef.queue("crash");

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedSendSurvivesSigkill() throws Exception {
        Set<String> sendOk = ConcurrentHashMap.newKeySet();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        BrokerProcess first = BrokerProcess.start(dir, "first", "--deliveryMarkChunk=50");
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int producer = t;
            threads.add(new Thread(() -> produce(first.address(), producer, sendOk, stop), "producer-" + t));
        }
        threads.add(new Thread(() -> consumeDuringLoad(first.address(), received, stop), "consumer"));
        threads.forEach(Thread::start);
        long deadline = System.currentTimeMillis() + 20_000;
        while (sendOk.size() < 1_500 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        first.kill();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertTrue(sendOk.size() > 100, "load ran before the kill: " + sendOk.size());

        int exit;
        BrokerProcess second = BrokerProcess.start(dir, "second", "--deliveryMarkChunk=50");
        try (TestClient client = TestClient.open(second.address(), null)) {
            client.createSession(1, "CLIENT");
            TestClient.requireOk(client.createConsumer(1, 1, QUEUE.kind(), QUEUE.name(), Map.of()));
            while (true) {
                List<Delivered> batch = client.pull(1, 64, 1_000);
                if (batch.isEmpty()) {
                    break;
                }
                for (Delivered d : batch) {
                    Integer before = received.merge(d.id(), 1, Integer::sum);
                    if (before > 1 && !d.message().isRedelivered()) {
                        fail("message " + d.id() + " delivered again without JMSRedelivered");
                    }
                }
                client.ack(1, batch);
            }
        } finally {
            exit = second.stop();
        }
        List<String> missing = new ArrayList<>();
        for (String id : sendOk) {
            if (!received.containsKey(id)) {
                missing.add(id);
            }
        }
        assertEquals(List.of(), missing, missing.size() + " of " + sendOk.size() + " SEND_OK messages lost");
        long redelivered = received.values().stream().filter(count -> count > 1).count();
        System.out.printf("crash test: %d SEND_OK, %d received, %d delivered more than once%n", sendOk.size(),
                received.size(), redelivered);
        // 0: the broker handled SIGTERM with its clean close, which finished within shutdownTimeoutMillis.
        assertEquals(0, exit);
        assertTrue(second.log().contains("crash recovery"),
                "the second start recovered from the crash");
        // The SIGTERM shutdown was clean: flushed, checkpointed, marker removed, so the
        // next open trusts the checkpoint instead of scanning.
        try (io.keelmq.store.MessageStore store = io.keelmq.store.MessageStore.open(
                new io.keelmq.store.StoreConfig().storePathRootDir(dir.resolve("data")))) {
            assertTrue(store.recoveryReport().cleanShutdown(), store.recoveryReport().toString());
        }
    }

    private static void produce(InetSocketAddress address, int producer, Set<String> sendOk, AtomicBoolean stop) {
        try (TestClient client = TestClient.open(address, null)) {
            for (int i = 0; !stop.get(); i++) {
                WireMessage message = TestClient.text(QUEUE, "p" + producer + "-" + i);
                Frame answer = client.send(message);
                if (!answer.isError() && "SEND_OK".equals(answer.header("status"))) {
                    sendOk.add(message.getMessageId());
                }
            }
        } catch (IOException e) {
            // the broker was killed
        }
    }

    /** Consumes (and acknowledges most) during the load, so the restart has to redeliver correctly. */
    private static void consumeDuringLoad(InetSocketAddress address, Map<String, Integer> received,
                                          AtomicBoolean stop) {
        try (TestClient client = TestClient.open(address, null)) {
            client.createSession(1, "CLIENT");
            TestClient.requireOk(client.createConsumer(1, 1, QUEUE.kind(), QUEUE.name(), Map.of()));
            int round = 0;
            while (!stop.get()) {
                List<Delivered> batch = client.pull(1, 32, 200);
                for (Delivered d : batch) {
                    Integer before = received.merge(d.id(), 1, Integer::sum);
                    if (before > 1 && !d.message().isRedelivered()) {
                        throw new AssertionError("duplicate without JMSRedelivered: " + d.id());
                    }
                }
                if (round++ % 3 != 0) {
                    client.ack(1, batch);
                }
            }
        } catch (IOException e) {
            // the broker was killed
        }
    }
}
