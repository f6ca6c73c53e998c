package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of the broker process under JMS load: every PERSISTENT message whose send()
 * returned is received after a restart on the same store. A message received twice must be
 * a redelivery (JMSRedelivered=true): the client retries a send only with retry=true and the
 * broker drops the retried copy by its JMSMessageID, so two first deliveries of one id
 * would be a message stored twice.
 */
class CrashJmsTest {
    private static final String QUEUE = "crash-jms";
    private static final int PRODUCERS = 4;

    @TempDir
    Path dir;

    /** What the application saw of one message id. */
    private record Receipt(String text, boolean redelivered, int deliveryCount) {
    }

    @Test
    void everySendThatReturnedSurvivesSigkill() throws Exception {
        Set<String> sent = ConcurrentHashMap.newKeySet();
        Map<String, String> texts = new ConcurrentHashMap<>();
        AtomicInteger failedSends = new AtomicInteger();
        Map<String, List<Receipt>> received = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();

        BrokerProcess first = BrokerProcess.start(dir, "first", "--flushDiskType=SYNC_FLUSH",
                "--deliveryMarkChunk=50");
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            threads.add(new Thread(() -> produce(first.url(), producer, sent, texts, failedSends, stop),
                    "jms-producer-" + p));
        }
        threads.add(new Thread(() -> consumeDuringLoad(first.url(), received, stop), "jms-consumer"));
        threads.forEach(Thread::start);
        long deadline = System.currentTimeMillis() + 20_000;
        while (sent.size() < 800 && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        int sentBeforeKill = sent.size();
        first.kill(); // in the middle of the load: the producers are still sending
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertTrue(sentBeforeKill > 100, "load ran before the kill: " + sentBeforeKill);

        BrokerProcess second = BrokerProcess.start(dir, "second", "--flushDiskType=SYNC_FLUSH");
        try (Connection connection = new KeelConnectionFactory(second.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message message;
            while ((message = consumer.receive(2_000)) != null) {
                record(received, message);
            }
        } finally {
            second.stop();
        }

        List<String> missing = new ArrayList<>();
        for (String id : sent) {
            List<Receipt> receipts = received.get(id);
            if (receipts == null) {
                missing.add(id);
            } else {
                assertEquals(texts.get(id), receipts.get(0).text(), "body of " + id);
            }
        }
        Map<String, List<Receipt>> duplicates = new TreeMap<>();
        received.forEach((id, receipts) -> {
            if (receipts.size() > 1) {
                duplicates.put(id, receipts);
            }
        });
        System.out.printf("JMS crash test: %d sends returned, %d sends failed at the kill, %d ids received, "
                + "%d received more than once%n", sent.size(), failedSends.get(), received.size(), duplicates.size());
        // Expected: what the consumer had not acknowledged, or acknowledged after the last checkpoint, at the kill.
        duplicates.entrySet().stream().limit(20)
                .forEach(e -> System.out.println("  duplicate " + e.getKey() + ": " + e.getValue()));
        if (duplicates.size() > 20) {
            System.out.println("  ... and " + (duplicates.size() - 20) + " more");
        }
        assertEquals(List.of(), missing, missing.size() + " of " + sent.size() + " acknowledged sends lost");
        duplicates.forEach((id, receipts) -> {
            for (Receipt later : receipts.subList(1, receipts.size())) {
                assertTrue(later.redelivered() && later.deliveryCount() >= 2,
                        id + " received again without JMSRedelivered / JMSXDeliveryCount >= 2: " + receipts);
            }
        });
    }

    private static void produce(String url, int producer, Set<String> sent, Map<String, String> texts,
                                AtomicInteger failedSends, AtomicBoolean stop) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
            sender.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; !stop.get(); i++) {
                TextMessage message = session.createTextMessage("p" + producer + "-" + i);
                try {
                    sender.send(message);
                } catch (JMSException e) {
                    failedSends.incrementAndGet(); // the broker died under this send: its outcome is unknown
                    return;
                }
                texts.put(message.getJMSMessageID(), message.getText());
                sent.add(message.getJMSMessageID());
            }
        } catch (JMSException e) {
            // the connection died with the broker
        }
    }

    /** Consumes during the load, acknowledging only some, so the restart has to redeliver. */
    private static void consumeDuringLoad(String url, Map<String, List<Receipt>> received, AtomicBoolean stop) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            for (int n = 1; !stop.get(); n++) {
                Message message = consumer.receive(200);
                if (message == null) {
                    continue;
                }
                record(received, message);
                if (n % 50 == 0) {
                    message.acknowledge(); // acknowledges every message the session delivered so far
                }
            }
        } catch (JMSException e) {
            // the broker was killed
        }
    }

    private static void record(Map<String, List<Receipt>> received, Message message) throws JMSException {
        received.computeIfAbsent(message.getJMSMessageID(), id -> new ArrayList<>()).add(new Receipt(
                ((TextMessage) message).getText(), message.getJMSRedelivered(),
                message.getIntProperty("JMSXDeliveryCount")));
    }
}
