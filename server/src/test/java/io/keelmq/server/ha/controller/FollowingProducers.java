package io.keelmq.server.ha.controller;

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

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Producer threads that send to whichever broker the controller names master, and reconnect to the master it names
 * next whenever theirs fails them (connection lost, NOT_MASTER): the test's own failover, not the client's. Every send
 * answered SEND_OK is recorded with the broker that answered and when the send was issued.
 */
final class FollowingProducers implements AutoCloseable {
    /** One SEND_OK: the message, the broker's client address, and when the send was issued (nanoTime). */
    record Ok(String messageId, String broker, long issuedNanos) {
    }

    private final ControllerClient controller;
    private final String group;
    private final String queue;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final ConcurrentLinkedQueue<Ok> sendOk = new ConcurrentLinkedQueue<>();
    private final AtomicInteger notOk = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private final long startedNanos = System.nanoTime();

    FollowingProducers(ControllerClient controller, String group, String queue, int count) {
        this.controller = controller;
        this.group = group;
        this.queue = queue;
        for (int p = 0; p < count; p++) {
            int producer = p;
            Thread thread = new Thread(() -> produce(producer), "following-producer-" + p);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
    }

    /** The client address of the master the controller names now, or null. */
    static String master(ControllerClient controller, String group) {
        try {
            GroupView view = controller.status(group).group();
            GroupView.Member master = view == null ? null : view.masterMember();
            return master == null ? null : master.clientAddress();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private void produce(int producer) {
        int sequence = 0;
        while (!stop.get()) {
            String broker = master(controller, group);
            if (broker == null) {
                pause();
                continue;
            }
            try (Connection connection = new KeelConnectionFactory("keel://" + broker).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer sender = session.createProducer(session.createQueue(queue));
                sender.setDeliveryMode(DeliveryMode.PERSISTENT);
                while (!stop.get()) {
                    TextMessage message = session.createTextMessage("p" + producer + "-" + sequence++ + "-" + "x".repeat(200));
                    long issued = System.nanoTime();
                    try {
                        sender.send(message);
                        sendOk.add(new Ok(message.getJMSMessageID(), broker, issued));
                    } catch (SendStatusException e) {
                        notOk.incrementAndGet();     // stored but not confirmed: not counted
                    }
                }
            } catch (JMSException e) {
                pause();                // the broker died, or is not master (any more): ask the controller again
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Ok> sendOk() {
        return List.copyOf(sendOk);
    }

    /** When the producers started (nanoTime). */
    long started() {
        return startedNanos;
    }

    int sendOkCount() {
        return sendOk.size();
    }

    int notOkCount() {
        return notOk.get();
    }

    /**
     * Waits until {@code count} sends issued after {@code sinceNanos} were answered SEND_OK by a broker other than
     * {@code notBy}; their number.
     */
    long awaitSendOk(int count, String notBy, long sinceNanos, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            long found = sendOk.stream()
                    .filter(ok -> !ok.broker().equals(notBy) && ok.issuedNanos() - sinceNanos > 0).count();
            if (found >= count) {
                return found;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("fewer than " + count + " SEND_OK from brokers other than " + notBy + " within "
                + millis + " ms; " + sendOk.size() + " SEND_OK in all, " + notOk.get() + " other statuses");
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }
    }

    /** Consumes the queue from {@code brokerAddress} and asserts every SEND_OK message is there. */
    static void assertNoneLost(String brokerAddress, String queue, List<Ok> sendOk) throws JMSException {
        Set<String> received = new HashSet<>();
        try (Connection connection = new KeelConnectionFactory("keel://" + brokerAddress).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            connection.start();
            Message message;
            while ((message = consumer.receive(5_000)) != null) {
                received.add(message.getJMSMessageID());
            }
        }
        List<String> lost = new ArrayList<>();
        for (Ok ok : sendOk) {
            if (!received.contains(ok.messageId())) {
                lost.add(ok.messageId() + " (SEND_OK by " + ok.broker() + ")");
            }
        }
        System.out.printf("controller failover: %d SEND_OK, %d received from the master at %s, %d lost%n",
                sendOk.size(), received.size(), brokerAddress, lost.size());
        assertEquals(List.of(), lost.subList(0, Math.min(10, lost.size())), lost.size() + " of " + sendOk.size()
                + " SEND_OK messages lost");
    }
}
