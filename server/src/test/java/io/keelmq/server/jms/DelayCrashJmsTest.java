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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of the broker while delayed messages are being sent and delivered: every delayed send that
 * returned is received after the restart, none before its due time, and none written to its queue
 * twice (a second receipt must be a redelivery, JMSRedelivered=true, of a message whose
 * acknowledgement the kill lost). The kill lands while the timer is writing due messages, so the
 * restart has to rebuild the wheel and check the interrupted slot against the index.
 */
class DelayCrashJmsTest {
    private static final String QUEUE = "crash-delay";
    private static final int PRODUCERS = 3;

    @TempDir
    Path dir;

    /** What the application saw of one message id, and when. */
    private record Receipt(long receivedAt, long deliveryTime, boolean redelivered) {
    }

    @Test
    void everyDelayedSendThatReturnedIsDeliveredAfterSigkill() throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        Map<String, List<Receipt>> received = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        String[] settings = {"--flushDiskType=SYNC_FLUSH", "--messageDelayLevel=1s 2s"};

        BrokerProcess first = BrokerProcess.start(dir, "first", settings);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            threads.add(new Thread(() -> produce(first.url(), producer, sent, stop), "delay-producer-" + p));
        }
        threads.add(new Thread(() -> consume(first.url(), received, stop), "delay-consumer"));
        threads.forEach(Thread::start);
        Thread.sleep(3_000);                 // the first messages fall due and are written while sends go on
        int sentBeforeKill = sent.size();
        int receivedBeforeKill = received.size();
        first.kill();
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        assertTrue(sentBeforeKill > 50, "load ran before the kill: " + sentBeforeKill);
        assertTrue(receivedBeforeKill > 0, "some delayed messages fell due before the kill");

        BrokerProcess second = BrokerProcess.start(dir, "second", settings);
        try (Connection connection = new KeelConnectionFactory(second.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            long lastDue = sent.values().stream().mapToLong(Long::longValue).max().orElse(0);
            Message message;
            while ((message = consumer.receive(1_000)) != null || System.currentTimeMillis() < lastDue + 3_000) {
                if (message != null) {
                    record(received, message);
                }
            }
        } finally {
            second.stop();
        }

        List<String> missing = new ArrayList<>(sent.keySet());
        missing.removeAll(received.keySet());
        assertEquals(List.of(), missing, missing.size() + " of " + sent.size() + " acknowledged delayed sends lost");
        received.forEach((id, receipts) -> {
            for (Receipt receipt : receipts) {
                assertTrue(receipt.receivedAt() >= receipt.deliveryTime(), id + " received before it was due");
            }
            for (Receipt later : receipts.subList(1, receipts.size())) {
                assertTrue(later.redelivered(), id + " written to its queue twice: " + receipts);
            }
        });
        System.out.printf("delay crash test: %d delayed sends returned before the kill, %d received before it, "
                + "%d received in all%n", sentBeforeKill, receivedBeforeKill, received.size());
    }

    /** Sends delayed messages: level 1 (1 s) and deliveryDelay of 0.3 to 2.3 s, in turn. */
    private static void produce(String url, int producer, Map<String, Long> sent, AtomicBoolean stop) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
            sender.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; !stop.get(); i++) {
                TextMessage message = session.createTextMessage("p" + producer + "-" + i);
                long delay;
                if (i % 2 == 0) {
                    message.setIntProperty("JMS_Keel_DelayLevel", 1);
                    delay = 1_000;
                    sender.setDeliveryDelay(0);
                } else {
                    delay = 300 + (i % 5) * 500L;
                    sender.setDeliveryDelay(delay);
                }
                long before = System.currentTimeMillis();
                try {
                    sender.send(message);
                } catch (JMSException e) {
                    return; // the broker died under this send: its outcome is unknown
                }
                sent.put(message.getJMSMessageID(), before + delay);
            }
        } catch (JMSException e) {
            // the connection died with the broker
        }
    }

    private static void consume(String url, Map<String, List<Receipt>> received, AtomicBoolean stop) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            while (!stop.get()) {
                Message message = consumer.receive(200);
                if (message != null) {
                    record(received, message);
                }
            }
        } catch (JMSException e) {
            // the broker was killed
        }
    }

    private static void record(Map<String, List<Receipt>> received, Message message) throws JMSException {
        long now = System.currentTimeMillis();
        long due = message.propertyExists("JMS_Keel_DelayLevel") ? message.getJMSTimestamp() + 1_000
                : message.getJMSDeliveryTime();
        received.computeIfAbsent(message.getJMSMessageID(), id -> new ArrayList<>())
                .add(new Receipt(now, due, message.getJMSRedelivered()));
    }
}
