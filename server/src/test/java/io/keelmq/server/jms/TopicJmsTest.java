package io.keelmq.server.jms;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import javax.naming.Context;
import javax.naming.InitialContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Topics through the JMS API (looked up in JNDI): fan-out and durable subscriptions across restarts. */
class TopicJmsTest extends JmsTestBase {

    /** The objects an application would look up: the factory for the running broker and the topic. */
    private Context jndi() throws Exception {
        Properties environment = new Properties();
        environment.put(Context.INITIAL_CONTEXT_FACTORY, "io.keelmq.jms.jndi.KeelInitialContextFactory");
        environment.put(Context.PROVIDER_URL, url());
        environment.put("topic.prices", "prices");
        return new InitialContext(environment);
    }

    @Test
    void everySubscriberGetsEveryMessageInOrder() throws Exception {
        Context jndi = jndi();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("ConnectionFactory");
        Topic topic = (Topic) jndi.lookup("prices");
        List<MessageConsumer> subscribers = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            Connection connection = track(factory.createConnection());
            subscribers.add(connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createConsumer(topic));
            connection.start();
        }
        List<String> sent = new ArrayList<>();
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(topic);
            for (int i = 0; i < 50; i++) {
                producer.send(session.createTextMessage("tick " + i));
                sent.add("tick " + i);
            }
        }
        for (MessageConsumer subscriber : subscribers) {
            assertEquals(sent, texts(drain(subscriber, 500)));
        }
        jndi.close();
    }

    @Test
    void durableSubscriptionKeepsMessagesAcrossConsumerAndBrokerRestarts() throws Exception {
        // While subscribed: received and acknowledged, so never seen again.
        Connection first = connection("dur-client");
        Session session = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic("news");
        MessageConsumer subscriber = session.createDurableSubscriber(topic, "reader");
        first.start();
        publish(topic, "a", 5);
        assertEquals(List.of("a0", "a1", "a2", "a3", "a4"), texts(drain(subscriber, 500)));
        first.close();

        // The consumer is gone; the subscription keeps what is published meanwhile.
        publish(topic, "b", 5);
        Connection second = connection("dur-client");
        MessageConsumer back = second.createSession(false, Session.AUTO_ACKNOWLEDGE)
                .createDurableSubscriber(topic, "reader");
        second.start();
        assertEquals(List.of("b0", "b1", "b2", "b3", "b4"), texts(drain(back, 500)));
        second.close();

        // Published while nobody listens, then the broker stops and a new one opens the same store.
        publish(topic, "c", 5);
        restartBroker();
        Connection third = connection("dur-client");
        Session thirdSession = third.createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageConsumer again = thirdSession.createDurableSubscriber(topic, "reader");
        third.start();
        List<Message> received = drain(again, 500);
        assertEquals(List.of("c0", "c1", "c2", "c3", "c4"), texts(received));
        for (Message message : received) {
            assertFalse(message.getJMSRedelivered(), "never delivered before: " + message.getJMSMessageID());
        }
        again.close();
        thirdSession.unsubscribe("reader");

        // Unsubscribed: a new subscription of that name starts from now, with nothing old.
        publish(topic, "d", 2);
        MessageConsumer fresh = thirdSession.createDurableSubscriber(topic, "reader");
        assertNull(fresh.receive(300));
    }

    private void publish(Topic topic, String prefix, int count) throws JMSException {
        try (Connection connection = factory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(topic);
            for (int i = 0; i < count; i++) {
                producer.send(session.createTextMessage(prefix + i));
            }
        }
    }

    static List<String> texts(List<Message> messages) throws JMSException {
        List<String> texts = new ArrayList<>();
        for (Message message : messages) {
            texts.add(((TextMessage) message).getText());
        }
        return texts;
    }
}
