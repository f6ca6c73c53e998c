package io.keelmq.server.admin;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code keel-admin subscription reset}: a queue or durable subscription moved to a time delivers again from the first
 * message stored since then, as new deliveries; errors are named.
 */
class AdminSubscriptionResetTest extends AdminTestBase {
    private long between;

    /** Sends "m0".."m2", then (after {@link #between}) "m3".."m5", from one session (so in one partition, in order). */
    private void sendHistory(Session session, jakarta.jms.Destination destination) throws Exception {
        MessageProducer producer = session.createProducer(destination);
        for (int i = 0; i < 6; i++) {
            if (i == 3) {
                Thread.sleep(50);
                between = System.currentTimeMillis();
                Thread.sleep(50);
            }
            producer.send(session.createTextMessage("m" + i));
        }
    }

    /** Receives (AUTO_ACKNOWLEDGE) until 500 ms pass without a message; closes the connection, so nothing is in flight. */
    private static List<String> receiveAll(Connection connection, MessageConsumer consumer) throws JMSException {
        List<String> texts = new ArrayList<>();
        Message message;
        while ((message = consumer.receive(500)) != null) {
            assertFalse(message.getJMSRedelivered(), "a reset re-consumes as new deliveries");
            assertEquals(1, message.getIntProperty("JMSXDeliveryCount"));
            texts.add(((TextMessage) message).getText());
        }
        connection.close();
        return texts;
    }

    private List<String> consumeQueue(String name) throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession();
        return receiveAll(connection, session.createConsumer(session.createQueue(name)));
    }

    @Test
    void aQueueResetToATimeRedeliversFromThatTime() throws Exception {
        Connection producer = connection(null);
        Session session = producer.createSession();
        sendHistory(session, session.createQueue("orders.q"));
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5"), consumeQueue("orders.q"));

        String output = admin("subscription", "reset", "--destination", "queue/orders.q", "--to",
                Instant.ofEpochMilli(between).toString());
        assertTrue(output.startsWith("reset queue/orders.q to " + Instant.ofEpochMilli(between)), output);
        assertTrue(output.lines().anyMatch(line -> line.trim().matches("\\d+\\s+6\\s+3")), output);
        assertEquals(List.of("m3", "m4", "m5"), consumeQueue("orders.q"));

        admin("subscription", "reset", "--destination", "queue/orders.q", "--to", "0");
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5"), consumeQueue("orders.q"));

        // Forward: everything stored before the time is skipped.
        admin("subscription", "reset", "--destination", "queue/orders.q", "--to", "0");
        admin("subscription", "reset", "--destination", "queue/orders.q", "--to",
                Long.toString(System.currentTimeMillis() + 60_000));
        assertEquals(List.of(), consumeQueue("orders.q"));
    }

    @Test
    void aDurableSubscriptionResetToATimeRedeliversFromThatTime() throws Exception {
        Connection first = connection("reader");
        first.start();
        Session session = first.createSession();
        Topic topic = session.createTopic("orders.events");
        MessageConsumer subscriber = session.createDurableSubscriber(topic, "audit");
        sendHistory(session, topic);
        assertEquals(List.of("m0", "m1", "m2", "m3", "m4", "m5"), receiveAll(first, subscriber));

        admin("subscription", "reset", "--subscription", "reader:audit", "--to", Long.toString(between));

        Connection second = connection("reader");
        second.start();
        MessageConsumer again = second.createSession().createDurableSubscriber(topic, "audit");
        assertEquals(List.of("m3", "m4", "m5"), receiveAll(second, again));
    }

    @Test
    void aResetPositionSurvivesARestart() throws Exception {
        Connection producer = connection(null);
        Session session = producer.createSession();
        sendHistory(session, session.createQueue("orders.q"));
        assertEquals(6, consumeQueue("orders.q").size());
        admin("subscription", "reset", "--destination", "queue/orders.q", "--to", Long.toString(between));
        restartBroker();
        assertEquals(List.of("m3", "m4", "m5"), consumeQueue("orders.q"));
    }

    @Test
    void subscriptionListNamesWhatResetTakes() throws Exception {
        Connection connection = connection("reader");
        connection.start();
        Session session = connection.createSession();
        Topic topic = session.createTopic("orders.events");
        session.createDurableSubscriber(topic, "audit").close();
        MessageProducer producer = session.createProducer(null);
        producer.send(topic, session.createTextMessage("e"));
        producer.send(session.createQueue("orders.q"), session.createTextMessage("q1"));
        producer.send(session.createQueue("orders.q"), session.createTextMessage("q2"));
        session.createConsumer(session.createQueue("billing"));

        List<List<String>> rows = admin("subscription", "list").lines()
                .map(line -> List.of(line.trim().split("\\s+"))).toList();
        assertEquals(List.of("KIND", "SUBSCRIPTION", "DESTINATION", "CONSUMERS", "PENDING"), rows.get(0));
        assertEquals(List.of(List.of("QUEUE", "-", "queue/billing", "1", "0"),
                List.of("DURABLE", "reader:audit", "topic/orders.events", "0", "1"),
                List.of("QUEUE", "-", "queue/orders.q", "0", "2")), rows.subList(1, rows.size()));

        // olga manages orders.# only
        assertEquals(0, runAs("olga", "subscription", "list"), errors());
        assertTrue(!out.toString(java.nio.charset.StandardCharsets.UTF_8).contains("billing"));
    }

    @Test
    void refusedWhileConsumersAreOpen() throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession();
        MessageConsumer consumer = session.createConsumer(session.createQueue("orders.busy"));
        assertEquals(1, runAs("carol", "subscription", "reset", "--destination", "queue/orders.busy", "--to", "0"));
        assertTrue(errors().startsWith("keel-admin: ADMIN failed with ILLEGAL_STATE: queue subscription "), errors());
        assertTrue(errors().contains("has 1 open consumer(s) and 0 message(s) in flight; close its consumers"),
                errors());
        consumer.close();
        connection.close();
        admin("subscription", "reset", "--destination", "queue/orders.busy", "--to", "0");
    }

    @Test
    void errorsAreNamed() throws Exception {
        connection("x").createSession().createTopic("orders.t");
        assertEquals(1, runAs("carol", "subscription", "reset", "--destination", "queue/nowhere", "--to", "0"));
        assertEquals("keel-admin: ADMIN failed with NOT_FOUND: queue 'nowhere' does not exist", errors());
        assertEquals(1, runAs("carol", "subscription", "reset", "--subscription", "nobody:nothing", "--to", "0"));
        assertEquals("keel-admin: ADMIN failed with NOT_FOUND: no durable subscription 'nothing' for client id "
                + "'nobody'", errors());
        assertEquals(1, runAs("carol", "subscription", "reset", "--destination", "topic/orders.t", "--to", "0"));
        assertTrue(errors().contains("only a queue or a durable subscription can be reset, not topic 'orders.t'"),
                errors());
        assertEquals(1, runAs("carol", "subscription", "reset", "--destination", "queue/orders.q", "--to",
                "yesterday"));
        assertEquals("keel-admin: bad --to 'yesterday': expected epoch milliseconds or an ISO-8601 time such as "
                + "2026-11-21T16:00:00Z", errors());
        assertEquals(1, runAs("carol", "subscription", "reset", "--subscription", "nameonly", "--to", "0"));
        assertTrue(errors().contains("expected CLIENTID:NAME"), errors());
        assertEquals(2, runAs("carol", "subscription", "reset", "--to", "0"));
        assertTrue(errors().contains("give either --destination queue/NAME or --subscription CLIENTID:NAME"),
                errors());
        assertEquals(1, runAs("dave", "subscription", "reset", "--destination", "queue/orders.q", "--to", "0"));
        assertEquals("keel-admin: ADMIN failed with SECURITY: user 'dave' is not allowed to manage on any "
                + "destination", errors());
        // olga manages orders.# only
        assertEquals(1, runAs("olga", "subscription", "reset", "--destination", "queue/billing", "--to", "0"));
        assertTrue(errors().contains("SECURITY"), errors());
    }
}
