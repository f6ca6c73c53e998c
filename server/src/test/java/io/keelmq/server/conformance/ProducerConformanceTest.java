package io.keelmq.server.conformance;

import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 7.1 producers, 7.2 synchronous send, 7.4-7.6 options and headers, 3.12 messages of another provider, 8.3.1. */
class ProducerConformanceTest extends ConformanceTestBase {

    @Test
    void s7_1_identifiedAndUnidentifiedProducers() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("identified"));
        Queue other = session.createQueue(unique("other"));
        MessageProducer identified = session.createProducer(queue);
        assertEquals(queue, identified.getDestination());
        assertThrows(UnsupportedOperationException.class, () -> identified.send(other, session.createMessage()));
        MessageProducer unidentified = session.createProducer(null);
        assertNull(unidentified.getDestination());
        assertThrows(UnsupportedOperationException.class, () -> unidentified.send(session.createMessage()));
        assertThrows(InvalidDestinationException.class, () -> unidentified.send(null, session.createMessage()));
        unidentified.send(other, session.createTextMessage("to other"));
        identified.send(session.createTextMessage("to queue"));
        MessageConsumer fromOther = session.createConsumer(other);
        MessageConsumer fromQueue = session.createConsumer(queue);
        connection.start();
        assertEquals("to other", ((TextMessage) fromOther.receive(5_000)).getText());
        assertEquals("to queue", ((TextMessage) fromQueue.receive(5_000)).getText());
        assertThrows(InvalidDestinationException.class, () -> session.createConsumer(null));
    }

    @Test
    void s7_4_invalidDeliveryModeOrPriorityIsRefused() throws Exception {
        Session session = connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
        MessageProducer producer = session.createProducer(session.createQueue(unique("invalid-options")));
        assertThrows(JMSException.class, () -> producer.setPriority(10));
        assertThrows(JMSException.class, () -> producer.setPriority(-1));
        assertThrows(JMSException.class, () -> producer.setDeliveryMode(3));
        assertThrows(JMSException.class, () -> producer.send(session.createMessage(), DeliveryMode.PERSISTENT, 10, 0));
        assertThrows(JMSException.class, () -> producer.send(session.createMessage(), 0, 4, 0));
    }

    @Test
    void s3_4_4_disabledTimestampsAreZero() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("no-timestamp"));
        MessageProducer producer = session.createProducer(queue);
        producer.setDisableMessageTimestamp(true);
        assertTrue(producer.getDisableMessageTimestamp());
        Message message = session.createMessage();
        producer.send(message);
        assertEquals(0, message.getJMSTimestamp());
        producer.setDisableMessageID(true); // a hint; an id may still be set
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        Message received = consumer.receive(5_000);
        assertNotNull(received, "a message without timestamp is delivered at once");
        assertEquals(0, received.getJMSTimestamp());
    }

    @Test
    void s3_12_aMessageOfAnotherProviderCanBeSentAndGetsItsHeaders() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("foreign"));
        TextMessage foreign = foreignText("from elsewhere", "origin", "other-provider");
        session.createProducer(queue).send(foreign, DeliveryMode.NON_PERSISTENT, 6, 0);
        assertEquals(queue, foreign.getJMSDestination(), "headers are set on the foreign message itself");
        assertNotNull(foreign.getJMSMessageID());
        assertEquals(6, foreign.getJMSPriority());
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        TextMessage received = (TextMessage) consumer.receive(5_000);
        assertEquals("from elsewhere", received.getText());
        assertEquals("other-provider", received.getStringProperty("origin"));
        assertEquals(foreign.getJMSMessageID(), received.getJMSMessageID());
        assertEquals(6, received.getJMSPriority());
    }

    @Test
    void s8_3_1_aNonDurableSubscriberGetsOnlyMessagesPublishedWhileItExists() throws Exception {
        Connection connection = connection();
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("late-subscriber"));
        MessageProducer producer = session.createProducer(topic);
        producer.send(session.createTextMessage("before"));
        MessageConsumer subscriber = session.createConsumer(topic);
        producer.send(session.createTextMessage("after"));
        connection.start();
        assertEquals("after", ((TextMessage) subscriber.receive(5_000)).getText());
        assertNull(subscriber.receive(200));
        subscriber.close();
        producer.send(session.createTextMessage("nobody"));
        MessageConsumer again = session.createConsumer(topic);
        assertNull(again.receive(300), "a closed non-durable subscription keeps nothing");
    }

    /** Another provider's TextMessage: a dynamic proxy keeping headers and properties in maps. */
    private static TextMessage foreignText(String body, String property, String value) {
        Map<String, Object> fields = new HashMap<>();
        Map<String, Object> properties = new LinkedHashMap<>();
        fields.put("Text", body);
        properties.put(property, value);
        return (TextMessage) Proxy.newProxyInstance(ProducerConformanceTest.class.getClassLoader(),
                new Class<?>[] {TextMessage.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    switch (name) {
                        case "getPropertyNames":
                            return Collections.enumeration(properties.keySet());
                        case "getObjectProperty", "getStringProperty":
                            return properties.get((String) args[0]);
                        case "propertyExists":
                            return properties.containsKey((String) args[0]);
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "ForeignTextMessage";
                        default:
                            break;
                    }
                    if (name.startsWith("set") && args != null && args.length == 1) {
                        fields.put(name.substring(3), args[0]);
                        return null;
                    }
                    if (name.startsWith("get") && (args == null || args.length == 0)) {
                        Object field = fields.get(name.substring(3));
                        Class<?> type = method.getReturnType();
                        if (field == null && type == long.class) {
                            return 0L;
                        }
                        if (field == null && type == int.class) {
                            return 0;
                        }
                        if (field == null && type == boolean.class) {
                            return false;
                        }
                        return field;
                    }
                    throw new UnsupportedOperationException(name);
                });
    }
}
