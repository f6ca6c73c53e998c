package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatus;
import io.keelmq.jms.SendStatusException;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the HA tests, fixed-role and controller mode alike, do with a broker over JMS: one send and its status, a
 * batch of sends, receiving (and acknowledging) a number of messages, draining a consumer, closing a connection whose
 * broker was killed. One place, so that every fault case counts SEND_OK and redeliveries the same way.
 */
public final class HaTestSupport {
    private HaTestSupport() {
    }

    /** host:port as an address. */
    public static InetSocketAddress toAddress(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }

    /** One PERSISTENT send of {@code text} on its own connection; the status the broker answered. */
    public static SendStatus sendOne(String url, String queue, String text) throws JMSException {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            return sendWithStatus(session.createProducer(session.createQueue(queue)), session.createTextMessage(text));
        }
    }

    /** A PERSISTENT send; its status (SEND_OK, or the one the broker answered instead). */
    public static SendStatus sendWithStatus(MessageProducer producer, Message message) throws JMSException {
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        try {
            producer.send(message);
            return SendStatus.SEND_OK;
        } catch (SendStatusException e) {
            return e.getStatus();
        }
    }

    /** {@code count} PERSISTENT text messages "m-i" to {@code destination}; their ids (each answered SEND_OK). */
    public static void send(Session session, Destination destination, int count, Set<String> ids)
            throws JMSException {
        MessageProducer producer = session.createProducer(destination);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < count; i++) {
            Message message = session.createTextMessage("m-" + i);
            producer.send(message);         // SEND_OK: the in-sync slaves have it
            ids.add(message.getJMSMessageID());
        }
    }

    /**
     * {@code count} messages, each within 10 s; with {@code acknowledge}, acknowledged (CLIENT_ACKNOWLEDGE: all the
     * session received so far).
     */
    public static List<String> receive(MessageConsumer consumer, int count, boolean acknowledge)
            throws JMSException {
        List<String> ids = new ArrayList<>();
        Message last = null;
        for (int i = 0; i < count; i++) {
            last = consumer.receive(10_000);
            assertNotNull(last, "message " + i + " of " + count + " not received");
            ids.add(last.getJMSMessageID());
        }
        if (acknowledge) {
            last.acknowledge();
        }
        return ids;
    }

    /**
     * Everything {@code consumer} delivers until it is quiet for {@code quietMillis} (the first message may take
     * {@code firstMillis}): message id -> JMSRedelivered, in delivery order.
     */
    public static Map<String, Boolean> drain(MessageConsumer consumer, long firstMillis, long quietMillis)
            throws JMSException {
        Map<String, Boolean> got = new LinkedHashMap<>();
        Message message = consumer.receive(firstMillis);
        while (message != null) {
            got.put(message.getJMSMessageID(), message.getJMSRedelivered());
            message = consumer.receive(quietMillis);
        }
        return got;
    }

    /**
     * What one subscription saw before a failover (acknowledged; delivered and not acknowledged) and after it
     * (delivered without, and with, JMSRedelivered), and the promise it checks: no acknowledged message again, no
     * unacknowledged delivery again as new, none lost.
     */
    public static final class Consumed {
        public final Set<String> acked = new LinkedHashSet<>();
        public final Set<String> inFlight = new LinkedHashSet<>();
        public final Set<String> fresh = new LinkedHashSet<>();
        public final Set<String> redelivered = new LinkedHashSet<>();

        /** Deliveries after the failover: message id -> JMSRedelivered. */
        public void delivered(Map<String, Boolean> after) {
            after.forEach((id, again) -> (again ? redelivered : fresh).add(id));
        }

        /** {@code what} names the case and subscription in the printed line and the failures. */
        public void check(String what, Set<String> sent) {
            Set<String> after = new LinkedHashSet<>(fresh);
            after.addAll(redelivered);
            List<String> ackedAgain = new ArrayList<>(acked);
            ackedAgain.retainAll(after);
            List<String> inFlightAsNew = new ArrayList<>(inFlight);
            inFlightAsNew.retainAll(fresh);
            List<String> lost = new ArrayList<>(sent);
            lost.removeAll(acked);
            lost.removeAll(after);
            System.out.printf("%s: %d sent, %d acknowledged before the kill, %d delivered unacknowledged; after: %d "
                    + "delivered as new, %d with JMSRedelivered, %d acknowledged ones again, %d lost%n", what,
                    sent.size(), acked.size(), inFlight.size(), fresh.size(), redelivered.size(), ackedAgain.size(),
                    lost.size());
            assertEquals(List.of(), ackedAgain, what + ": acknowledged (and replicated) messages delivered again");
            assertEquals(List.of(), inFlightAsNew, what + ": messages delivered before the failover came as new");
            assertEquals(List.of(), lost, what + ": messages lost");
            assertTrue(redelivered.containsAll(inFlight), what + ": the unacknowledged deliveries came again, marked");
        }
    }

    /**
     * {@link #drain} of a queue, or with {@code clientId} of the durable subscription {@code subscription} to a
     * topic, at a broker that may be restarting (in place, or to take a mastership): a connection it refuses is
     * tried again for 60 s.
     */
    public static Map<String, Boolean> drainWithin(String url, String clientId, String subscription, String name,
                                                   long firstMillis, long quietMillis) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
                if (clientId != null) {
                    connection.setClientID(clientId);
                }
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = clientId != null
                        ? session.createDurableSubscriber(session.createTopic(name), subscription)
                        : session.createConsumer(session.createQueue(name));
                connection.start();
                return drain(consumer, firstMillis, quietMillis);
            } catch (JMSException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(500);
            }
        }
    }

    /** Closes a connection whose broker may have been killed. */
    public static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (JMSException | RuntimeException e) {
            // its broker is dead
        }
    }
}
