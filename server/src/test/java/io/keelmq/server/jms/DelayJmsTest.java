package io.keelmq.server.jms;

import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.DelayLevels;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delayed delivery through the broker's persistent timer, through the JMS API: JMS_Keel_DelayLevel
 * (levels "1s 2s 3s" here) and deliveryDelay; a delayed message is not received before it is due, is
 * received after, and survives a broker restart. "Not before" is checked against the clock (the due
 * time is a promise); how late a message comes is measured by the benchmark, not asserted here.
 */
class DelayJmsTest extends JmsTestBase {
    private static final String LEVEL = "JMS_Keel_DelayLevel";

    @Override
    BrokerConfig.Builder brokerConfig() {
        return super.brokerConfig().set(ConfigKeys.MESSAGE_DELAY_LEVEL, DelayLevels.parse("1s 2s 3s"));
    }

    private Session session(Connection connection) throws JMSException {
        return connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    /** Sends one text message with the given level (null: none) and delivery delay; returns when it was sent. */
    private long send(String queueOrTopic, boolean topic, String text, Integer level, long deliveryDelay)
            throws JMSException {
        try (Connection connection = factory().createConnection()) {
            Session session = session(connection);
            MessageProducer producer = session.createProducer(topic ? session.createTopic(queueOrTopic)
                    : session.createQueue(queueOrTopic));
            producer.setDeliveryDelay(deliveryDelay);
            TextMessage message = session.createTextMessage(text);
            if (level != null) {
                message.setIntProperty(LEVEL, level);
            }
            long sentAt = System.currentTimeMillis();
            producer.send(message);
            return sentAt;
        }
    }

    private MessageConsumer consumer(String queue) throws JMSException {
        Connection connection = connection(null);
        MessageConsumer consumer = session(connection).createConsumer(
                session(connection).createQueue(queue));
        connection.start();
        return consumer;
    }

    /** Not received during {@code quietMillis} (none if 0), then received; returns it, checked not to be early. */
    private static TextMessage receiveOnlyAfter(MessageConsumer consumer, long quietMillis, long dueMillis)
            throws JMSException {
        if (quietMillis > 0) {
            assertNull(consumer.receive(quietMillis), "received before its due time");
        }
        Message message = consumer.receive(10_000);
        long receivedAt = System.currentTimeMillis();
        assertNotNull(message, "not received after its due time");
        assertTrue(receivedAt >= dueMillis, "received " + (dueMillis - receivedAt) + " ms before its due time");
        return (TextMessage) message;
    }

    @Test
    void aMessageWithDelayLevelTwoIsReceivedOnlyAfterTwoSeconds() throws Exception {
        MessageConsumer consumer = consumer("delay.level");
        long sentAt = send("delay.level", false, "level 2", 2, 0);
        TextMessage message = receiveOnlyAfter(consumer, 1_500, sentAt + 2_000);
        assertEquals("level 2", message.getText());
        assertEquals(2, message.getIntProperty(LEVEL));
        assertNull(consumer.receive(500), "delivered once");
    }

    @Test
    void aDeliveryDelayOf1500MillisKeepsTheMessageBackThatLongAndJmsDeliveryTimeIsTheClients() throws Exception {
        MessageConsumer consumer = consumer("delay.ms");
        try (Connection connection = factory().createConnection()) {
            Session session = session(connection);
            MessageProducer producer = session.createProducer(session.createQueue("delay.ms"));
            producer.setDeliveryDelay(1_500);
            TextMessage sent = session.createTextMessage("in 1.5 s");
            long before = System.currentTimeMillis();
            producer.send(sent);
            TextMessage received = receiveOnlyAfter(consumer, 1_000, before + 1_500);
            assertEquals("in 1.5 s", received.getText());
            assertEquals(sent.getJMSDeliveryTime(), received.getJMSDeliveryTime());
            assertEquals(sent.getJMSMessageID(), received.getJMSMessageID());
        }
    }

    @Test
    void aDelayedMessageDoesNotHoldBackLaterUndelayedOnes() throws Exception {
        MessageConsumer consumer = consumer("delay.mixed");
        long sentAt = send("delay.mixed", false, "later", 1, 0);
        send("delay.mixed", false, "now", null, 0);
        assertEquals("now", ((TextMessage) consumer.receive(5_000)).getText());
        assertEquals("later", receiveOnlyAfter(consumer, 0, sentAt + 1_000).getText());
    }

    @Test
    void aLevelAboveTheLastMeansTheLast() throws Exception {
        MessageConsumer consumer = consumer("delay.top");
        long sentAt = send("delay.top", false, "level 99", 99, 0);
        assertEquals("level 99", receiveOnlyAfter(consumer, 2_500, sentAt + 3_000).getText());
    }

    @Test
    void aNegativeLevelIsRefusedNamingTheProperty() throws Exception {
        JMSException refused = assertThrows(JMSException.class, () -> send("delay.bad", false, "bad", -1, 0));
        assertTrue(refused.getMessage().contains(LEVEL), refused.getMessage());
        assertEquals("MESSAGE_ILLEGAL", refused.getErrorCode());
        assertNull(consumer("delay.bad").receive(1_500), "a refused message is not stored");
    }

    @Test
    void aMessageThatExpiresBeforeItIsDueIsNeverDelivered() throws Exception {
        MessageConsumer consumer = consumer("delay.expiry");
        try (Connection connection = factory().createConnection()) {
            Session session = session(connection);
            MessageProducer producer = session.createProducer(session.createQueue("delay.expiry"));
            producer.setDeliveryDelay(1_000);
            producer.setTimeToLive(500);
            producer.send(session.createTextMessage("expires first"));
            producer.setTimeToLive(0);
            producer.send(session.createTextMessage("lives"));
        }
        assertEquals(List.of("lives"), texts(drain(consumer, 2_500)));
    }

    @Test
    void everyTopicSubscriberGetsADelayedMessageWhenItIsDue() throws Exception {
        Connection connection = connection(null);
        Session session = session(connection);
        Topic topic = session.createTopic("delay.topic");
        MessageConsumer first = session.createConsumer(topic);
        MessageConsumer second = session(connection).createConsumer(topic);
        connection.start();
        long sentAt = send("delay.topic", true, "to all", null, 1_000);
        assertEquals("to all", receiveOnlyAfter(first, 700, sentAt + 1_000).getText());
        assertEquals("to all", receiveOnlyAfter(second, 0, sentAt + 1_000).getText());
    }

    @Test
    void aDelayedMessageSentInATransactionWaitsForTheCommitThenForItsDelay() throws Exception {
        MessageConsumer consumer = consumer("delay.tx");
        try (Connection connection = factory().createConnection()) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue("delay.tx"));
            producer.setDeliveryDelay(1_000);
            producer.send(session.createTextMessage("rolled back"));
            session.rollback();
            long sentAt = System.currentTimeMillis();
            producer.send(session.createTextMessage("committed"));
            session.commit();
            assertEquals("committed", receiveOnlyAfter(consumer, 700, sentAt + 1_000).getText());
        }
        assertNull(consumer.receive(1_000), "the rolled-back message is never delivered");
    }

    @Test
    void aDelayedMessageSurvivesARestartBeforeItIsDue() throws Exception {
        long sentAt = send("delay.restart", false, "after restart", 3, 0);
        restartBroker();
        MessageConsumer consumer = consumer("delay.restart");
        long quiet = Math.max(0, sentAt + 2_000 - System.currentTimeMillis());
        assertEquals("after restart", receiveOnlyAfter(consumer, quiet, sentAt + 3_000).getText());
        assertNull(consumer.receive(500), "delivered once");
    }

    @Test
    void aMessageDueWhileTheBrokerWasDownIsDeliveredSoonAfterItStarts() throws Exception {
        send("delay.down", false, "due while down", 1, 0);
        broker.close();
        Thread.sleep(1_500);
        broker = Broker.start(brokerConfig().build());
        MessageConsumer consumer = consumer("delay.down");
        Message message = consumer.receive(5_000);
        assertNotNull(message, "not delivered after the restart");
        assertEquals("due while down", ((TextMessage) message).getText());
        assertNull(consumer.receive(500), "delivered once");
    }

    private static List<String> texts(List<Message> messages) throws JMSException {
        List<String> texts = new java.util.ArrayList<>();
        for (Message message : messages) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }
}
