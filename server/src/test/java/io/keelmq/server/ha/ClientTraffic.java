package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatusException;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A producer and a consumer of one queue, each on a connection of its own made from one URL (a failing-over one in
 * the tests that use it), running on threads of their own through a failover: it counts every message answered
 * SEND_OK, every message received and how often, a message received again without {@code JMSRedelivered}, and every
 * exception the application would see (from a JMS call or the connections' ExceptionListeners).
 */
public final class ClientTraffic implements AutoCloseable {
    public final Set<String> sendOk = ConcurrentHashMap.newKeySet();
    /** Sends stored but answered another status than SEND_OK (not acknowledged, so not counted). */
    public final AtomicInteger notSendOk = new AtomicInteger();
    public final Map<String, Integer> received = new ConcurrentHashMap<>();
    public final List<String> againAsNew = new CopyOnWriteArrayList<>();
    public final List<Throwable> seenByApplication = new CopyOnWriteArrayList<>();
    private final AtomicBoolean stopProducing = new AtomicBoolean();
    private final AtomicBoolean stopConsuming = new AtomicBoolean();
    private final Connection producing;
    private final Connection consuming;
    private Thread producer;
    private Thread receiver;

    private ClientTraffic(String url) throws JMSException {
        producing = new KeelConnectionFactory(url).createConnection();
        consuming = new KeelConnectionFactory(url).createConnection();
        producing.setExceptionListener(seenByApplication::add);
        consuming.setExceptionListener(seenByApplication::add);
    }

    /** Connects both and starts consuming and sending PERSISTENT messages to {@code queue} at once. */
    public static ClientTraffic start(String url, String queue) throws JMSException {
        ClientTraffic traffic = new ClientTraffic(url);
        try {
            traffic.startThreads(queue);
        } catch (JMSException | RuntimeException e) {
            traffic.close();
            throw e;
        }
        return traffic;
    }

    private void startThreads(String queue) throws JMSException {
        Session consumerSession = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer consumer = consumerSession.createConsumer(consumerSession.createQueue(queue));
        consuming.start();
        receiver = new Thread(() -> {
            try {
                while (!stopConsuming.get()) {
                    Message message = consumer.receive(200);
                    if (message != null && received.merge(message.getJMSMessageID(), 1, Integer::sum) > 1
                            && !message.getJMSRedelivered()) {
                        againAsNew.add(message.getJMSMessageID());
                    }
                }
            } catch (Throwable e) {
                seenByApplication.add(e);
            }
        }, "traffic-consumer");
        receiver.start();
        Session session = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer sender = session.createProducer(session.createQueue(queue));
        sender.setDeliveryMode(DeliveryMode.PERSISTENT);
        producer = new Thread(() -> {
            try {
                for (int i = 0; !stopProducing.get(); i++) {
                    TextMessage message = session.createTextMessage("m-" + i);
                    try {
                        sender.send(message);
                        sendOk.add(message.getJMSMessageID()); // a send that returns was answered SEND_OK
                    } catch (SendStatusException e) {
                        // Stored, not confirmed (a new master alone in sync: SLAVE_NOT_AVAILABLE): not acknowledged,
                        // so not counted; the producer goes on.
                        notSendOk.incrementAndGet();
                    }
                }
            } catch (Throwable e) {
                seenByApplication.add(e);
            }
        }, "traffic-producer");
        producer.start();
    }

    /** Waits (90 s at most, or until the application sees an exception) for {@code count} SEND_OK in all. */
    public void awaitSendOk(int count, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 90_000;
        while (sendOk.size() < count && seenByApplication.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(List.of(), seenByApplication, "the application saw no exception");
        assertTrue(sendOk.size() >= count, what + ": " + sendOk.size() + " of " + count);
    }

    /** Stops the producer, then waits (90 s at most) until the consumer has received every SEND_OK message. */
    public void stopAndDrain() throws InterruptedException {
        stopProducing.set(true);
        producer.join(60_000);
        long deadline = System.currentTimeMillis() + 90_000;
        while (!received.keySet().containsAll(sendOk) && seenByApplication.isEmpty()
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        stopConsuming.set(true);
        receiver.join(60_000);
    }

    /** Messages received more than once (each then with JMSRedelivered, else it is in {@link #againAsNew}). */
    public long receivedTwice() {
        return received.values().stream().filter(n -> n > 1).count();
    }

    /**
     * The promise of a failover the client rides through: no exception reached the application, no message came a
     * second time as new, every SEND_OK message was received.
     */
    public void assertNothingLost(String where) {
        assertEquals(List.of(), seenByApplication, "the application saw no exception");
        assertEquals(List.of(), againAsNew, "no message received a second time as new");
        List<String> lost = sendOk.stream().filter(id -> !received.containsKey(id)).sorted().toList();
        assertEquals(List.of(), lost, lost.size() + " of " + sendOk.size() + " SEND_OK messages never received ("
                + where + ")");
    }

    @Override
    public void close() {
        stopProducing.set(true);
        stopConsuming.set(true);
        HaTestSupport.closeQuietly(producing);
        HaTestSupport.closeQuietly(consuming);
    }
}
