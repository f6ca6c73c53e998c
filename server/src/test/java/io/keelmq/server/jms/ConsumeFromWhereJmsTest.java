package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Connection options {@code consumeFromWhere} and {@code consumeTimestamp}: where a new durable subscription starts
 * reading its topic. An existing subscription is not moved by them.
 */
class ConsumeFromWhereJmsTest extends JmsTestBase {
    private long between;

    /** Publishes, from one session (so in order in one partition), "a0".."a2", then (after a pause whose middle is {@link #between}) "b0".."b2". */
    private Topic publishHistory() throws Exception {
        Connection connection = connection(null);
        Session session = connection.createSession();
        Topic topic = session.createTopic("history");
        MessageProducer producer = session.createProducer(topic);
        publish(session, producer, "a", 3);
        Thread.sleep(50);
        between = System.currentTimeMillis();
        Thread.sleep(50);
        publish(session, producer, "b", 3);
        return topic;
    }

    private static void publish(Session session, MessageProducer producer, String prefix, int count)
            throws JMSException {
        for (int i = 0; i < count; i++) {
            producer.send(session.createTextMessage(prefix + i));
        }
    }

    /** Creates durable subscription "sub" of {@code clientId} with the URL {@code options}, publishes "c0", drains. */
    private List<String> subscribeAndDrain(String options, String clientId, Topic topic) throws Exception {
        Connection connection = track(new KeelConnectionFactory(url() + options).createConnection());
        connection.setClientID(clientId);
        connection.start();
        Session session = connection.createSession();
        MessageConsumer subscriber = session.createDurableSubscriber(topic, "sub");
        // Something published after the subscription exists reaches every one of them.
        session.createProducer(topic).send(session.createTextMessage("c0"));
        List<String> texts = texts(drain(subscriber, 500));
        connection.close();
        return historyThenC0(texts);
    }

    /**
     * The history messages received, in order, then the "c0" messages: these come from other sessions, so from other
     * partitions, whose order relative to the history is not defined.
     */
    private static List<String> historyThenC0(List<String> received) {
        List<String> ordered = new ArrayList<>(received.stream().filter(t -> !t.equals("c0")).toList());
        ordered.addAll(received.stream().filter(t -> t.equals("c0")).toList());
        return ordered;
    }

    private static List<String> texts(List<Message> messages) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message message : messages) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }

    @Test
    void byDefaultANewDurableSubscriptionStartsAtTheEnd() throws Exception {
        Topic topic = publishHistory();
        assertEquals(List.of("c0"), subscribeAndDrain("", "last", topic));
        assertEquals(List.of("c0"), subscribeAndDrain("?consumeFromWhere=CONSUME_FROM_LAST_OFFSET", "last2", topic));
    }

    @Test
    void consumeFromFirstOffsetDeliversEverythingStored() throws Exception {
        Topic topic = publishHistory();
        assertEquals(List.of("a0", "a1", "a2", "b0", "b1", "b2", "c0"),
                subscribeAndDrain("?consumeFromWhere=CONSUME_FROM_FIRST_OFFSET", "first", topic));
    }

    @Test
    void consumeFromTimestampStartsAtTheFirstMessageStoredSinceThen() throws Exception {
        Topic topic = publishHistory();
        assertEquals(List.of("b0", "b1", "b2", "c0"), subscribeAndDrain(
                "?consumeFromWhere=CONSUME_FROM_TIMESTAMP&consumeTimestamp=" + between, "millis", topic));
        // The first subscription's "c0" was also stored after that time.
        assertEquals(List.of("b0", "b1", "b2", "c0", "c0"), subscribeAndDrain(
                "?consumeFromWhere=CONSUME_FROM_TIMESTAMP&consumeTimestamp=" + Instant.ofEpochMilli(between),
                "iso", topic));
    }

    @Test
    void anExistingSubscriptionKeepsItsPosition() throws Exception {
        Topic topic = publishHistory();
        assertEquals(List.of("c0"), subscribeAndDrain("", "kept", topic));
        // Created already: starting "from the first offset" does not rewind it (that is keel-admin subscription reset).
        assertEquals(List.of("c0"), subscribeAndDrain("?consumeFromWhere=CONSUME_FROM_FIRST_OFFSET", "kept", topic));
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        JMSException where = assertThrows(JMSException.class,
                () -> new KeelConnectionFactory(url() + "?consumeFromWhere=FROM_NOW"));
        assertTrue(where.getMessage().contains("consumeFromWhere"), where.getMessage());
        JMSException time = assertThrows(JMSException.class,
                () -> new KeelConnectionFactory(url() + "?consumeTimestamp=yesterday"));
        assertTrue(time.getMessage().contains("consumeTimestamp") && time.getMessage().contains("ISO-8601"),
                time.getMessage());
    }
}
