package io.keelmq.server.conformance;

import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueConnection;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueRequestor;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicRequestor;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** 2.8 and 4: the legacy point-to-point and pub/sub interfaces, and table 9-1 of 9.2 (domain mismatches). */
class LegacyDomainConformanceTest extends ConformanceTestBase {

    private QueueConnection queueConnection() throws JMSException {
        QueueConnectionFactory factory = factory();
        return track(factory.createQueueConnection());
    }

    private TopicConnection topicConnection() throws JMSException {
        TopicConnectionFactory factory = factory();
        return track(factory.createTopicConnection());
    }

    // ------------------------------------------------------------------ 4.1 point-to-point

    @Test
    void s4_1_queueSenderReceiverAndBrowser() throws Exception {
        QueueConnection connection = queueConnection();
        QueueSession session = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue(unique("legacy-queue"));
        assertTrue(queue.getQueueName().startsWith("legacy-queue"));
        QueueSender sender = session.createSender(queue);
        assertEquals(queue, sender.getQueue());
        sender.send(session.createTextMessage("one"));
        sender.send(session.createTextMessage("two"), DeliveryMode.NON_PERSISTENT, 4, 0);
        QueueSender unidentified = session.createSender(null);
        Message three = session.createTextMessage("three");
        three.setStringProperty("k", "v");
        unidentified.send(queue, three);
        QueueBrowser browser = session.createBrowser(queue, "k = 'v'");
        assertEquals(1, Collections.list(browser.getEnumeration()).size());
        // The selective receiver first: a receiver without selector would compete for "three" too.
        QueueReceiver selective = session.createReceiver(queue, "k = 'v'");
        assertEquals("k = 'v'", selective.getMessageSelector());
        connection.start();
        assertEquals("three", ((TextMessage) selective.receive(5_000)).getText());
        QueueReceiver receiver = session.createReceiver(queue);
        assertEquals(queue, receiver.getQueue());
        assertEquals("one", ((TextMessage) receiver.receive(5_000)).getText());
        assertEquals("two", ((TextMessage) receiver.receive(5_000)).getText());
        assertNull(receiver.receiveNoWait());
    }

    @Test
    void s4_1_7_queueRequestorGetsTheReply() throws Exception {
        QueueConnection connection = queueConnection();
        QueueSession serving = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue service = serving.createQueue(unique("service"));
        MessageProducer replies = serving.createProducer(null);
        serving.createReceiver(service).setMessageListener(request -> {
            try {
                replies.send(request.getJMSReplyTo(),
                        serving.createTextMessage("re: " + ((TextMessage) request).getText()));
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
        });
        connection.start();
        QueueSession asking = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        QueueRequestor requestor = new QueueRequestor(asking, service);
        Message reply = requestor.request(asking.createTextMessage("ping"));
        assertEquals("re: ping", ((TextMessage) reply).getText());
        requestor.close();
    }

    @Test
    void s4_1_5_temporaryQueueFromAQueueSession() throws Exception {
        QueueConnection connection = queueConnection();
        QueueSession session = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        TemporaryQueue temporary = session.createTemporaryQueue();
        session.createSender(temporary).send(session.createTextMessage("temp"));
        QueueReceiver receiver = session.createReceiver(temporary);
        connection.start();
        assertEquals("temp", ((TextMessage) receiver.receive(5_000)).getText());
        receiver.close();
        temporary.delete();
    }

    // ------------------------------------------------------------------ 4.2 publish/subscribe

    @Test
    void s4_2_topicPublisherAndSubscribers() throws Exception {
        TopicConnection connection = topicConnection();
        connection.setClientID(unique("legacy-topics"));
        TopicSession session = connection.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic topic = session.createTopic(unique("legacy-topic"));
        assertTrue(topic.getTopicName().startsWith("legacy-topic"));
        TopicSubscriber subscriber = session.createSubscriber(topic);
        assertEquals(topic, subscriber.getTopic());
        assertFalse(subscriber.getNoLocal());
        TopicSubscriber noLocal = session.createSubscriber(topic, null, true);
        assertTrue(noLocal.getNoLocal());
        TopicSubscriber durable = session.createDurableSubscriber(topic, "legacy-durable", "k = 'v'", false);
        assertEquals("k = 'v'", durable.getMessageSelector());
        TopicPublisher publisher = session.createPublisher(topic);
        assertEquals(topic, publisher.getTopic());
        Message first = session.createTextMessage("first");
        first.setStringProperty("k", "v");
        publisher.publish(first);
        publisher.publish(session.createTextMessage("second"), DeliveryMode.NON_PERSISTENT, 4, 0);
        session.createPublisher(null).publish(topic, session.createTextMessage("third"));
        connection.start();
        assertEquals("first", ((TextMessage) subscriber.receive(5_000)).getText());
        assertEquals("second", ((TextMessage) subscriber.receive(5_000)).getText());
        assertEquals("third", ((TextMessage) subscriber.receive(5_000)).getText());
        assertNull(noLocal.receive(200), "all three came from its own connection");
        assertEquals("first", ((TextMessage) durable.receive(5_000)).getText());
        assertNull(durable.receive(200));
        durable.close();
        session.unsubscribe("legacy-durable");
    }

    @Test
    void s4_2_topicRequestorGetsTheReply() throws Exception {
        TopicConnection connection = topicConnection();
        TopicSession serving = connection.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        Topic service = serving.createTopic(unique("topic-service"));
        TopicPublisher replies = serving.createPublisher(null);
        serving.createSubscriber(service).setMessageListener(request -> {
            try {
                replies.publish((Topic) request.getJMSReplyTo(),
                        serving.createTextMessage("re: " + ((TextMessage) request).getText()));
            } catch (JMSException e) {
                throw new RuntimeException(e);
            }
        });
        connection.start();
        TopicSession asking = connection.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        TopicRequestor requestor = new TopicRequestor(asking, service);
        assertEquals("re: ping", ((TextMessage) requestor.request(asking.createTextMessage("ping"))).getText());
        requestor.close();
    }

    // ------------------------------------------------------------------ 9.2 table 9-1

    @Test
    void s9_2_queueConnectionRefusesTopicOnlyMethods() throws Exception {
        QueueConnection connection = queueConnection();
        Topic topic = connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createTopic(unique("t"));
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("createSharedConnectionConsumer",
                () -> connection.createSharedConnectionConsumer(topic, "s", null, null, 1));
        calls.put("createDurableConnectionConsumer",
                () -> connection.createDurableConnectionConsumer(topic, "d", null, null, 1));
        calls.put("createSharedDurableConnectionConsumer",
                () -> connection.createSharedDurableConnectionConsumer(topic, "sd", null, null, 1));
        calls.forEach((name, call) -> assertThrows(IllegalStateException.class, call, name));
    }

    @Test
    void s9_2_queueSessionRefusesTopicMethods() throws Exception {
        QueueConnection connection = queueConnection();
        Topic topic = connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createTopic(unique("t"));
        QueueSession session = connection.createQueueSession(false, Session.AUTO_ACKNOWLEDGE);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("createDurableSubscriber", () -> session.createDurableSubscriber(topic, "d"));
        calls.put("createDurableSubscriber(selector)", () -> session.createDurableSubscriber(topic, "d", null, false));
        calls.put("createDurableConsumer", () -> session.createDurableConsumer(topic, "d"));
        calls.put("createDurableConsumer(selector)", () -> session.createDurableConsumer(topic, "d", null, false));
        calls.put("createSharedConsumer", () -> session.createSharedConsumer(topic, "s"));
        calls.put("createSharedConsumer(selector)", () -> session.createSharedConsumer(topic, "s", null));
        calls.put("createSharedDurableConsumer", () -> session.createSharedDurableConsumer(topic, "sd"));
        calls.put("createSharedDurableConsumer(selector)", () -> session.createSharedDurableConsumer(topic, "sd", null));
        calls.put("createTemporaryTopic", session::createTemporaryTopic);
        calls.put("createTopic", () -> session.createTopic("t"));
        calls.put("unsubscribe", () -> session.unsubscribe("d"));
        calls.forEach((name, call) -> assertThrows(IllegalStateException.class, call, name));
    }

    @Test
    void s9_2_topicSessionRefusesQueueMethods() throws Exception {
        TopicConnection connection = topicConnection();
        Queue queue = connection.createSession(false, Session.AUTO_ACKNOWLEDGE).createQueue(unique("q"));
        TopicSession session = connection.createTopicSession(false, Session.AUTO_ACKNOWLEDGE);
        Map<String, Executable> calls = new LinkedHashMap<>();
        calls.put("createBrowser", () -> session.createBrowser(queue));
        calls.put("createBrowser(selector)", () -> session.createBrowser(queue, "a = 1"));
        calls.put("createQueue", () -> session.createQueue("q"));
        calls.put("createTemporaryQueue", session::createTemporaryQueue);
        calls.forEach((name, call) -> assertThrows(IllegalStateException.class, call, name));
    }
}
