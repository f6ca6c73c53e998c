package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of the broker process while transacted producers commit batches that span two queues: after a
 * restart every batch whose commit() returned is wholly in both queues, and no message of a batch that was
 * rolled back or never committed is delivered. A batch whose commit() was cut off by the kill is all there
 * or not there at all.
 */
class TransactedCrashJmsTest {
    private static final String QUEUE_A = "tx-crash-a";
    private static final String QUEUE_B = "tx-crash-b";
    private static final int PRODUCERS = 3;
    /** Messages of a batch to each queue. */
    private static final int TO_A = 3;
    private static final int TO_B = 2;

    @TempDir
    Path dir;

    private enum Outcome { COMMITTED, ROLLED_BACK, COMMIT_CUT_OFF, NEVER_COMMITTED }

    @Test
    void everyCommittedBatchIsWhollyThereAndNoOtherMessageIs() throws Exception {
        Map<String, Outcome> batches = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        BrokerProcess first = BrokerProcess.start(dir, "first", "--flushDiskType=SYNC_FLUSH");
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            threads.add(new Thread(() -> produce(first.url(), producer, batches, stop), "tx-producer-" + p));
        }
        threads.forEach(Thread::start);
        long deadline = System.currentTimeMillis() + 30_000;
        while (count(batches, Outcome.COMMITTED) < 60 && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        // Aim the kill at a moment when some producer is inside commit(), so some commits are cut off.
        long aim = System.currentTimeMillis() + 2_000;
        while (!batches.containsValue(Outcome.COMMIT_CUT_OFF) && System.currentTimeMillis() < aim) {
            Thread.onSpinWait();
        }
        Thread.sleep(ThreadLocalRandom.current().nextInt(4)); // before, during or after the decision's force
        first.kill(); // the producers are still committing
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertTrue(count(batches, Outcome.COMMITTED) > 10, "load ran before the kill: " + batches.size());

        Map<String, List<String>> inA;
        Map<String, List<String>> inB;
        BrokerProcess second = BrokerProcess.start(dir, "second", "--flushDiskType=SYNC_FLUSH");
        try (Connection connection = new KeelConnectionFactory(second.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            connection.start();
            inA = drainByBatch(session.createConsumer(session.createQueue(QUEUE_A)));
            inB = drainByBatch(session.createConsumer(session.createQueue(QUEUE_B)));
        } finally {
            second.stop();
        }

        int cutOffPresent = 0;
        for (Map.Entry<String, Outcome> batch : new TreeMap<>(batches).entrySet()) {
            String id = batch.getKey();
            List<String> a = inA.getOrDefault(id, List.of());
            List<String> b = inB.getOrDefault(id, List.of());
            boolean whole = a.size() == TO_A && b.size() == TO_B;
            boolean absent = a.isEmpty() && b.isEmpty();
            switch (batch.getValue()) {
                case COMMITTED -> assertTrue(whole, "committed batch " + id + " is incomplete: " + a + " " + b);
                case ROLLED_BACK, NEVER_COMMITTED -> assertTrue(absent, batch.getValue() + " batch " + id
                        + " was delivered: " + a + " " + b);
                case COMMIT_CUT_OFF -> {
                    assertTrue(whole || absent, "batch " + id + " whose commit was cut off is partly there: "
                            + a + " " + b);
                    cutOffPresent += whole ? 1 : 0;
                }
                default -> throw new AssertionError();
            }
        }
        Set<String> unknown = new java.util.HashSet<>(inA.keySet());
        unknown.addAll(inB.keySet());
        unknown.removeAll(batches.keySet());
        assertEquals(Set.of(), unknown, "messages of batches nobody sent");
        System.out.printf("transacted crash test: %d batches committed, %d rolled back, %d commits cut off by the kill "
                + "(%d of them present), %d never committed%n", count(batches, Outcome.COMMITTED),
                count(batches, Outcome.ROLLED_BACK), count(batches, Outcome.COMMIT_CUT_OFF), cutOffPresent,
                count(batches, Outcome.NEVER_COMMITTED));
    }

    private static long count(Map<String, Outcome> batches, Outcome outcome) {
        return batches.values().stream().filter(outcome::equals).count();
    }

    /**
     * Batch k of producer p sends "p-k-a0".."p-k-a2" to queue A and "p-k-b0", "p-k-b1" to queue B, then commits,
     * except every fourth batch, which it rolls back.
     */
    private static void produce(String url, int producer, Map<String, Outcome> batches, AtomicBoolean stop) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer toA = session.createProducer(session.createQueue(QUEUE_A));
            MessageProducer toB = session.createProducer(session.createQueue(QUEUE_B));
            for (int k = 0; !stop.get(); k++) {
                String batch = producer + "-" + k;
                batches.put(batch, Outcome.NEVER_COMMITTED);
                for (int i = 0; i < Math.max(TO_A, TO_B); i++) {
                    if (i < TO_A) {
                        toA.send(session.createTextMessage(batch + "-a" + i));
                    }
                    if (i < TO_B) {
                        toB.send(session.createTextMessage(batch + "-b" + i));
                    }
                }
                if (k % 4 == 3) {
                    session.rollback();
                    batches.put(batch, Outcome.ROLLED_BACK);
                    continue;
                }
                batches.put(batch, Outcome.COMMIT_CUT_OFF);
                try {
                    session.commit();
                } catch (JMSException e) {
                    return; // the broker died under this commit: its outcome is unknown
                }
                batches.put(batch, Outcome.COMMITTED);
            }
        } catch (JMSException e) {
            // the broker died under a send or rollback: that batch was never committed
        }
    }

    /** Every message of a queue, grouped by batch ("p-k"); each may appear only once (no consumer ran before). */
    private static Map<String, List<String>> drainByBatch(MessageConsumer consumer) throws JMSException {
        Map<String, List<String>> byBatch = new TreeMap<>();
        Message message;
        while ((message = consumer.receive(2_000)) != null) {
            String text = ((TextMessage) message).getText();
            String batch = text.substring(0, text.lastIndexOf('-'));
            List<String> texts = byBatch.computeIfAbsent(batch, b -> new ArrayList<>());
            assertTrue(!texts.contains(text), text + " was stored twice");
            texts.add(text);
        }
        return byBatch;
    }
}
