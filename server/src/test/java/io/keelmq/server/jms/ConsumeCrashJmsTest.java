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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of the broker while consumers consume a backlog, in every acknowledgement mode, by receive() and by a
 * MessageListener. After a restart on the same store: no message is lost (every sent message is received, before the
 * kill or after the restart), and no message the application saw acknowledged (in AUTO_ACKNOWLEDGE receive()
 * returned the next one, or onMessage returned and the next one began; acknowledge() or commit() returned) is delivered again
 * as new: a second receipt of any message carries JMSRedelivered=true and JMSXDeliveryCount >= 2 (spec 6.2.11).
 * Acknowledged messages may come again, flagged, because acknowledgements are made durable by the checkpoint
 * (protocol/README.md, "Redelivery after a crash").
 */
class ConsumeCrashJmsTest {
    private static final String QUEUE = "consume-crash";
    private static final int MESSAGES = 3_000;
    private static final int CONSUMERS = 2;
    /** Messages per acknowledge() or commit(). */
    private static final int BATCH = 7;
    /** Consumed before the kill, over all consumers. */
    private static final int CONSUMED_BEFORE_KILL = 600;

    @TempDir
    Path dir;

    enum Mode {
        AUTO(Session.AUTO_ACKNOWLEDGE, false), DUPS_OK(Session.DUPS_OK_ACKNOWLEDGE, false),
        CLIENT(Session.CLIENT_ACKNOWLEDGE, false), TRANSACTED(Session.SESSION_TRANSACTED, false),
        LISTENER_AUTO(Session.AUTO_ACKNOWLEDGE, true), LISTENER_DUPS_OK(Session.DUPS_OK_ACKNOWLEDGE, true),
        LISTENER_CLIENT(Session.CLIENT_ACKNOWLEDGE, true), LISTENER_TRANSACTED(Session.SESSION_TRANSACTED, true);

        final int sessionMode;
        final boolean listener;

        Mode(int sessionMode, boolean listener) {
            this.sessionMode = sessionMode;
            this.listener = listener;
        }
    }

    /** What the application saw of one message id. */
    private record Receipt(String text, boolean redelivered, int deliveryCount, boolean afterRestart) {
    }

    /** Receipts and what the test knows to be acknowledged, over all consumers. */
    private static final class Ledger {
        final Map<String, List<Receipt>> received = new ConcurrentHashMap<>();
        final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        final AtomicInteger consumed = new AtomicInteger();

        void record(Message message, boolean afterRestart) throws JMSException {
            received.computeIfAbsent(message.getJMSMessageID(), id -> java.util.Collections.synchronizedList(
                    new ArrayList<>())).add(new Receipt(((TextMessage) message).getText(),
                    message.getJMSRedelivered(), message.getIntProperty("JMSXDeliveryCount"), afterRestart));
            consumed.incrementAndGet();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noMessageIsLostAndNoAcknowledgedOneComesBackAsNew(Mode mode) throws Exception {
        BrokerProcess first = BrokerProcess.start(dir, "first", "--flushDiskType=SYNC_FLUSH",
                "--deliveryMarkChunk=50");
        Map<String, String> sent = produce(first.url());
        Ledger ledger = new Ledger();
        CountDownLatch started = new CountDownLatch(CONSUMERS);
        List<Thread> consumers = new ArrayList<>();
        for (int c = 0; c < CONSUMERS; c++) {
            consumers.add(new Thread(() -> consume(first.url(), mode, ledger, started), "consumer-" + mode + "-" + c));
        }
        consumers.forEach(Thread::start);
        assertTrue(started.await(30, TimeUnit.SECONDS), "consumers connected");
        long deadline = System.currentTimeMillis() + 60_000;
        while (ledger.consumed.get() < CONSUMED_BEFORE_KILL && System.currentTimeMillis() < deadline) {
            Thread.sleep(1);
        }
        int consumedBeforeKill = ledger.consumed.get();
        first.kill(); // the consumers are still consuming and acknowledging
        for (Thread consumer : consumers) {
            consumer.join(30_000);
            assertTrue(!consumer.isAlive(), consumer.getName() + " ended after the kill");
        }
        assertTrue(consumedBeforeKill >= CONSUMED_BEFORE_KILL, "consumed before the kill: " + consumedBeforeKill);
        assertTrue(consumedBeforeKill < MESSAGES, "the kill came while there was more to consume");
        Set<String> acknowledgedBeforeKill = Set.copyOf(ledger.acknowledged);

        BrokerProcess second = BrokerProcess.start(dir, "second", "--flushDiskType=SYNC_FLUSH");
        try (Connection connection = new KeelConnectionFactory(second.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message message;
            while ((message = consumer.receive(3_000)) != null) {
                ledger.record(message, true);
            }
        } finally {
            second.stop();
        }

        List<String> missing = new ArrayList<>();
        sent.forEach((id, text) -> {
            List<Receipt> receipts = ledger.received.get(id);
            if (receipts == null) {
                missing.add(text);
            } else {
                assertEquals(text, receipts.get(0).text(), "body of " + id);
            }
        });
        Map<String, List<Receipt>> againAsNew = new TreeMap<>();
        Map<String, List<Receipt>> acknowledgedAgain = new TreeMap<>();
        ledger.received.forEach((id, receipts) -> {
            for (Receipt later : receipts.subList(1, receipts.size())) {
                if (!later.redelivered() || later.deliveryCount() < 2) {
                    againAsNew.put(id, receipts);
                }
            }
            if (acknowledgedBeforeKill.contains(id) && receipts.size() > 1) {
                acknowledgedAgain.put(id, receipts);
            }
        });
        System.out.printf("consume crash test, %s: %d sent, %d consumed before the kill (%d known acknowledged), "
                        + "%d ids received, %d of the acknowledged ones again (flagged redelivered)%n", mode,
                sent.size(), consumedBeforeKill, acknowledgedBeforeKill.size(), ledger.received.size(),
                acknowledgedAgain.size());
        assertEquals(List.of(), missing, missing.size() + " of " + sent.size() + " sent messages lost");
        assertEquals(Map.of(), againAsNew, "messages delivered again without JMSRedelivered / JMSXDeliveryCount >= 2");
        assertTrue(acknowledgedBeforeKill.size() > CONSUMED_BEFORE_KILL / 2 || mode == Mode.DUPS_OK
                || mode == Mode.LISTENER_DUPS_OK, "the test knew messages acknowledged before the kill: "
                + acknowledgedBeforeKill.size());
    }

    private static Map<String, String> produce(String url) throws JMSException {
        Map<String, String> sent = new ConcurrentHashMap<>();
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < MESSAGES; i++) {
                TextMessage message = session.createTextMessage("m" + i);
                producer.send(message);
                sent.put(message.getJMSMessageID(), message.getText());
            }
        }
        return sent;
    }

    /**
     * Consumes until the broker dies. What counts as acknowledged for the test: in AUTO_ACKNOWLEDGE a message after
     * which receive() returned another one, or whose onMessage returned before the next onMessage of the session
     * began (the session's ACK of a message is confirmed before it hands out the next: spec 6.2.10's one message in
     * doubt); in CLIENT_ACKNOWLEDGE and transacted sessions the messages before an acknowledge() or commit() that
     * returned. DUPS_OK_ACKNOWLEDGE promises no moment, so nothing is counted; its duplicates must be flagged all the
     * same.
     */
    private static void consume(String url, Mode mode, Ledger ledger, CountDownLatch started) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(mode.sessionMode == Session.SESSION_TRANSACTED,
                    mode.sessionMode);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            Settler settler = new Settler(session, mode, ledger);
            if (mode.listener) {
                CountDownLatch failed = new CountDownLatch(1);
                connection.setExceptionListener(e -> failed.countDown());
                consumer.setMessageListener(message -> {
                    try {
                        settler.consumed(message);
                    } catch (JMSException e) {
                        failed.countDown();
                    }
                });
                connection.start();
                started.countDown();
                failed.await(60, TimeUnit.SECONDS);
                return;
            }
            connection.start();
            started.countDown();
            while (true) {
                Message message = consumer.receive(200);
                if (message != null) {
                    settler.consumed(message);
                } else if (ledger.consumed.get() >= MESSAGES) {
                    return;
                }
            }
        } catch (JMSException e) {
            // the broker was killed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Records a consumed message and settles batches the way the mode does. */
    private static final class Settler {
        private final Session session;
        private final Mode mode;
        private final Ledger ledger;
        private final List<String> unsettled = new ArrayList<>();

        Settler(Session session, Mode mode, Ledger ledger) {
            this.session = session;
            this.mode = mode;
            this.ledger = ledger;
        }

        void consumed(Message message) throws JMSException {
            String id = message.getJMSMessageID();
            switch (mode) {
                case AUTO, LISTENER_AUTO -> {
                    // The session confirmed the previous message's acknowledgement before it handed out this one
                    // (receive() returned it, or its onMessage began): only this message is in doubt.
                    ledger.acknowledged.addAll(unsettled);
                    unsettled.clear();
                    ledger.record(message, false);
                    unsettled.add(id);
                }
                case DUPS_OK, LISTENER_DUPS_OK -> ledger.record(message, false);
                case CLIENT, LISTENER_CLIENT, TRANSACTED, LISTENER_TRANSACTED -> {
                    ledger.record(message, false);
                    unsettled.add(id);
                    if (unsettled.size() == BATCH) {
                        if (mode == Mode.CLIENT || mode == Mode.LISTENER_CLIENT) {
                            message.acknowledge();
                        } else {
                            session.commit();
                        }
                        ledger.acknowledged.addAll(unsettled);
                        unsettled.clear();
                    }
                }
                default -> throw new AssertionError(mode);
            }
        }
    }
}
