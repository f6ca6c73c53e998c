package io.keelmq.server.jms;

import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Selectors on {@code JMS_Keel_Tag} are filtered by the broker from the consume queue's tag hashes: the right messages
 * arrive, and messages with other tags are never read from the commit log (the store's read count proves it).
 */
class TagSelectorJmsTest extends JmsTestBase {
    private static final String[] TAGS = {"A", "B", "C", "D"};

    @Test
    void queueConsumerWithATagSelectorGetsItsTagWithoutReadingTheOthers() throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession();
        Queue queue = session.createQueue("tagged");
        send(session, queue, 400);

        long readsBefore = broker.store().recordsRead();
        MessageConsumer onlyA = session.createConsumer(queue, "JMS_Keel_Tag = 'A'");
        List<Message> received = drain(onlyA, 500);
        long reads = broker.store().recordsRead() - readsBefore;

        assertEquals(100, received.size());
        for (int i = 0; i < received.size(); i++) {
            assertEquals("A", received.get(i).getStringProperty("JMS_Keel_Tag"));
        }
        // 100 A messages delivered; the 300 others are passed over on their tag hash, unread.
        assertTrue(reads >= 100 && reads < 130, "records read: " + reads);

        // Messages with other tags stay on the queue for other consumers.
        onlyA.close();
        MessageConsumer bOrC = session.createConsumer(queue, "JMS_Keel_Tag IN ('B', 'C') AND n >= 200");
        List<Message> others = drain(bOrC, 500);
        assertEquals(100, others.size());
        for (Message message : others) {
            assertTrue(List.of("B", "C").contains(message.getStringProperty("JMS_Keel_Tag")));
            assertTrue(message.getIntProperty("n") >= 200);
        }
        bOrC.close();
        assertEquals(200, drain(session.createConsumer(queue), 500).size());
    }

    @Test
    void durableSubscriptionWithATagSelectorKeepsOnlyItsTags() throws Exception {
        Connection connection = connection("tags-client");
        connection.start();
        Session session = connection.createSession();
        Topic topic = session.createTopic("tagged.events");
        MessageConsumer subscriber = session.createDurableSubscriber(topic, "bd", "JMS_Keel_Tag IN ('B','D')", false);
        long readsBefore = broker.store().recordsRead();
        send(session, topic, 200);

        List<String> tags = new ArrayList<>();
        for (Message message : drain(subscriber, 500)) {
            tags.add(message.getStringProperty("JMS_Keel_Tag"));
        }
        long reads = broker.store().recordsRead() - readsBefore;
        assertEquals(100, tags.size());
        // The subscription's own selector: A and C messages are acknowledged away without being read.
        assertTrue(reads >= 100 && reads < 160, "records read: " + reads);
        assertTrue(tags.stream().allMatch(tag -> tag.equals("B") || tag.equals("D")), tags.toString());
        // In publication order: B, D, B, D, ...
        for (int i = 0; i < tags.size(); i++) {
            assertEquals(i % 2 == 0 ? "B" : "D", tags.get(i));
        }
    }

    @Test
    void messagesWithoutATagAreNotSelectedByATagSelector() throws Exception {
        Connection connection = connection(null);
        connection.start();
        Session session = connection.createSession();
        Queue queue = session.createQueue("untagged");
        MessageProducer producer = session.createProducer(queue);
        producer.send(session.createTextMessage("no tag"));
        Message tagged = session.createTextMessage("tagged");
        tagged.setStringProperty("JMS_Keel_Tag", "A");
        producer.send(tagged);

        MessageConsumer either = session.createConsumer(queue, "JMS_Keel_Tag = 'A' OR JMS_Keel_Tag IS NULL");
        List<Message> received = drain(either, 300);
        assertEquals(2, received.size(), "an OR is evaluated in full");
        either.close();
        producer.send(session.createTextMessage("no tag again"));
        producer.send(tagged);
        received = drain(session.createConsumer(queue, "JMS_Keel_Tag = 'A'"), 300);
        assertEquals(1, received.size());
        assertEquals("A", received.get(0).getStringProperty("JMS_Keel_Tag"));
    }

    /** Sends {@code count} messages tagged A, B, C, D in turn, with property n = their index. */
    private static void send(Session session, jakarta.jms.Destination destination, int count) throws Exception {
        MessageProducer producer = session.createProducer(destination);
        for (int i = 0; i < count; i++) {
            Message message = session.createTextMessage("message " + i);
            message.setStringProperty("JMS_Keel_Tag", TAGS[i % TAGS.length]);
            message.setIntProperty("n", i);
            producer.send(message);
        }
    }
}
