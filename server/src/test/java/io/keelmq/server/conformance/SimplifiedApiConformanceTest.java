package io.keelmq.server.conformance;

import jakarta.jms.BytesMessage;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simplified API (2.7, 6.1, 7, 8.6): JMSContext, JMSProducer, JMSConsumer and their runtime exceptions. */
class SimplifiedApiConformanceTest extends ConformanceTestBase {

    // ------------------------------------------------------------------ JMSContext creation, autoStart

    @Test
    void s6_1_createContextVariantsAndSessionModes() throws Exception {
        JMSContext context = track(factory().createContext(JMSContext.CLIENT_ACKNOWLEDGE));
        assertEquals(JMSContext.CLIENT_ACKNOWLEDGE, context.getSessionMode());
        assertEquals(JMSContext.AUTO_ACKNOWLEDGE, context().getSessionMode());
        assertEquals(JMSContext.DUPS_OK_ACKNOWLEDGE,
                track(factory().createContext(null, null, JMSContext.DUPS_OK_ACKNOWLEDGE)).getSessionMode());
        assertThrows(JMSRuntimeException.class, () -> factory().createContext(12345));
    }

    @Test
    void s6_1_contextsCreatedFromAContextShareItsConnection() throws Exception {
        JMSContext first = context();
        first.setClientID(unique("shared-connection"));
        JMSContext second = track(first.createContext(JMSContext.AUTO_ACKNOWLEDGE));
        assertEquals(first.getClientID(), second.getClientID(), "same connection, same client id");
        Queue queue = first.createQueue(unique("shared-connection"));
        first.close();
        // The connection stays open while another context uses it
        second.createProducer().send(queue, "still connected");
        assertEquals("still connected", second.createConsumer(queue).receiveBody(String.class, 5_000));
        assertThrows(IllegalStateRuntimeException.class, first::createProducer, "the closed context itself");
    }

    @Test
    void s8_4_autoStartStartsTheConnectionOnConsumerCreationUnlessDisabled() throws Exception {
        JMSContext context = context();
        assertTrue(context.getAutoStart());
        Queue queue = context.createQueue(unique("autostart"));
        context.createProducer().send(queue, "one");
        assertEquals("one", context.createConsumer(queue).receiveBody(String.class, 5_000));

        JMSContext manual = context();
        manual.setAutoStart(false);
        assertFalse(manual.getAutoStart());
        Queue other = manual.createQueue(unique("manual-start"));
        manual.createProducer().send(other, "two");
        JMSConsumer consumer = manual.createConsumer(other);
        assertNull(consumer.receiveBody(String.class, 300), "not started");
        manual.start();
        assertEquals("two", consumer.receiveBody(String.class, 5_000));
        manual.stop();
        manual.createProducer().send(other, "three");
        assertNull(consumer.receiveBody(String.class, 300), "stopped");
        manual.start();
        assertEquals("three", consumer.receiveBody(String.class, 5_000));
    }

    // ------------------------------------------------------------------ JMSProducer

    @Test
    void s7_10_producerSettersChainAndApplyToEachMessage() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("producer-options"));
        Queue replyTo = context.createQueue(unique("reply"));
        JMSProducer producer = context.createProducer();
        assertSame(producer, producer.setDeliveryMode(DeliveryMode.NON_PERSISTENT).setPriority(7).setTimeToLive(60_000)
                .setJMSCorrelationID("corr").setJMSType("type").setJMSReplyTo(replyTo).setProperty("p", 3));
        assertEquals(DeliveryMode.NON_PERSISTENT, producer.getDeliveryMode());
        assertEquals(7, producer.getPriority());
        assertEquals(60_000, producer.getTimeToLive());
        assertEquals("corr", producer.getJMSCorrelationID());
        assertEquals("type", producer.getJMSType());
        assertEquals(replyTo, producer.getJMSReplyTo());
        producer.send(queue, "configured");
        Message message = context.createConsumer(queue).receive(5_000);
        assertEquals(DeliveryMode.NON_PERSISTENT, message.getJMSDeliveryMode());
        assertEquals(7, message.getJMSPriority());
        assertEquals(message.getJMSTimestamp() + 60_000, message.getJMSExpiration());
        assertEquals("corr", message.getJMSCorrelationID());
        assertEquals("type", message.getJMSType());
        assertEquals(replyTo, message.getJMSReplyTo());
        assertEquals(3, message.getIntProperty("p"));
        assertThrows(JMSRuntimeException.class, () -> producer.setPriority(10));
        assertThrows(JMSRuntimeException.class, () -> producer.setDeliveryMode(0));
    }

    @Test
    void s7_10_producerPropertiesFollowTheConversionRules() throws Exception {
        JMSProducer producer = context().createProducer();
        producer.setProperty("i", 5).setProperty("s", "12").setProperty("b", true).setProperty("d", 1.5);
        assertEquals(5L, producer.getLongProperty("i"));
        assertEquals(12, producer.getIntProperty("s"));
        assertEquals("true", producer.getStringProperty("b"));
        assertEquals(5, producer.getObjectProperty("i"));
        assertTrue(producer.propertyExists("d"));
        assertEquals(Set.of("i", "s", "b", "d"), producer.getPropertyNames());
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getIntProperty("b"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.setProperty("list", new ArrayList<>()));
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty("", 1));
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty(null, 1));
        producer.clearProperties();
        assertFalse(producer.propertyExists("i"));
        assertTrue(producer.getPropertyNames().isEmpty());
    }

    @Test
    void s7_10_producerSendsEachBodyKindAsTheMatchingMessageType() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("bodies"));
        JMSProducer producer = context.createProducer();
        producer.send(queue, "text");
        producer.send(queue, Map.of("k", 1));
        producer.send(queue, new byte[] {1, 2});
        producer.send(queue, (Serializable) List.of("object"));
        producer.send(queue, (String) null);
        producer.send(queue, context.createMessage());
        JMSConsumer consumer = context.createConsumer(queue);
        assertEquals("text", ((TextMessage) consumer.receive(5_000)).getText());
        assertEquals(1, ((MapMessage) consumer.receive(5_000)).getInt("k"));
        BytesMessage bytes = (BytesMessage) consumer.receive(5_000);
        assertArrayEquals(new byte[] {1, 2}, bytes.getBody(byte[].class));
        assertEquals(List.of("object"), ((ObjectMessage) consumer.receive(5_000)).getObject());
        assertNull(((TextMessage) consumer.receive(5_000)).getText());
        assertNotNull(consumer.receive(5_000));
    }

    @Test
    void s7_10_producerPropertiesAndHeadersAreSetOnAMessageItSends() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("producer-on-message"));
        Message message = context.createTextMessage("body");
        message.setStringProperty("own", "kept");
        message.setStringProperty("both", "message");
        byte[] correlation = {4, 2};
        context.createProducer().setProperty("both", "producer").setProperty("extra", 1L)
                .setJMSCorrelationIDAsBytes(correlation).setDeliveryDelay(0).send(queue, message);
        Message received = context.createConsumer(queue).receive(5_000);
        assertEquals("kept", received.getStringProperty("own"));
        assertEquals("producer", received.getStringProperty("both"), "the producer's property wins");
        assertEquals(1L, received.getLongProperty("extra"));
        assertArrayEquals(correlation, received.getJMSCorrelationIDAsBytes());
    }

    @Test
    void s6_1_contextBrowserAndSharedDurableRules() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("context-browser"));
        context.createProducer().setProperty("n", 1).send(queue, "one");
        context.createProducer().setProperty("n", 2).send(queue, "two");
        jakarta.jms.QueueBrowser browser = context.createBrowser(queue, "n = 2");
        List<Object> browsed = java.util.Collections.list(browser.getEnumeration());
        assertEquals(1, browsed.size());
        assertEquals("two", ((TextMessage) browsed.get(0)).getText());
        Topic topic = context.createTopic(unique("context-shared-durable"));
        String name = unique("sd");
        JMSConsumer active = context.createSharedDurableConsumer(topic, name, "n = 1");
        assertThrows(JMSRuntimeException.class, () -> context.createSharedDurableConsumer(topic, name, "n = 2"),
                "active with another selector");
        active.close();
        context.unsubscribe(name);
    }

    @Test
    void s7_10_sendingToNoDestinationThrowsInvalidDestinationRuntimeException() throws Exception {
        JMSContext context = context();
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createProducer().send(null, "x"));
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createConsumer(null));
    }

    @Test
    void s7_3_producerAsyncSendCallsTheCompletionListener() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("async-producer"));
        CompletableFuture<Message> completed = new CompletableFuture<>();
        JMSProducer producer = context.createProducer().setAsync(new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                completed.complete(message);
            }

            @Override
            public void onException(Message message, Exception exception) {
                completed.completeExceptionally(exception);
            }
        });
        assertNotNull(producer.getAsync());
        producer.send(queue, "async");
        assertEquals("async", ((TextMessage) completed.get(5, TimeUnit.SECONDS)).getText());
        assertEquals("async", context.createConsumer(queue).receiveBody(String.class, 5_000));
    }

    // ------------------------------------------------------------------ 8.6 receiveBody

    @Test
    void s8_6_receiveBodyReturnsEachSupportedBody() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("receive-body"));
        JMSProducer producer = context.createProducer();
        producer.send(queue, "text");
        producer.send(queue, Map.of("k", "v"));
        producer.send(queue, new byte[] {7});
        producer.send(queue, (Serializable) 42L);
        JMSConsumer consumer = context.createConsumer(queue);
        assertEquals("text", consumer.receiveBody(String.class, 5_000));
        assertEquals(Map.of("k", "v"), consumer.receiveBody(Map.class, 5_000));
        assertArrayEquals(new byte[] {7}, consumer.receiveBody(byte[].class, 5_000));
        assertEquals(42L, consumer.receiveBody(Serializable.class, 5_000));
        assertNull(consumer.receiveBodyNoWait(String.class));
        assertNull(consumer.receiveBody(String.class, 100));
    }

    @Test
    void s8_6_wrongTypeInAutoAcknowledgeLeavesTheMessageToBeDeliveredAgainAsIfNotReceived() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("receive-body-wrong"));
        context.createProducer().send(queue, "text");
        context.createProducer().send(queue, "next");
        JMSConsumer consumer = context.createConsumer(queue);
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 5_000));
        Message again = consumer.receive(5_000);
        assertEquals("text", ((TextMessage) again).getText(), "delivered again before later messages");
        assertFalse(again.getJMSRedelivered(), "not a redelivery");
        assertEquals(1, again.getIntProperty("JMSXDeliveryCount"));
        assertEquals("next", consumer.receiveBody(String.class, 5_000));
    }

    @Test
    void s8_6_wrongTypeInClientAcknowledgeCountsAsDelivered() throws Exception {
        JMSContext context = track(factory().createContext(JMSContext.CLIENT_ACKNOWLEDGE));
        Queue queue = context.createQueue(unique("receive-body-client"));
        context.createProducer().send(queue, "text");
        context.createProducer().send(queue, "next");
        JMSConsumer consumer = context.createConsumer(queue);
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 5_000));
        assertEquals("next", consumer.receiveBody(String.class, 5_000), "the failed message is not delivered again");
        context.recover();
        Message redelivered = consumer.receive(5_000);
        assertEquals("text", ((TextMessage) redelivered).getText());
        assertTrue(redelivered.getJMSRedelivered());
        context.acknowledge();
    }

    @Test
    void s8_6_messagesWithoutAnAssignableBodyAreRefused() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("receive-body-unsupported"));
        context.createProducer().send(queue, context.createMessage());
        jakarta.jms.StreamMessage stream = context.createStreamMessage();
        stream.writeInt(1);
        context.createProducer().send(queue, stream);
        JMSConsumer consumer = context.createConsumer(queue);
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Object.class, 5_000),
                "a Message has no body");
        assertInstanceOf(Message.class, consumer.receive(5_000)); // the same message, delivered again
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Object.class, 5_000),
                "StreamMessage is not supported");
    }

    // ------------------------------------------------------------------ acknowledge, recover, close

    @Test
    void s6_2_10_contextAcknowledgeAndRecover() throws Exception {
        JMSContext context = track(factory().createContext(JMSContext.CLIENT_ACKNOWLEDGE));
        Queue queue = context.createQueue(unique("context-ack"));
        context.createProducer().send(queue, "1").send(queue, "2");
        JMSConsumer consumer = context.createConsumer(queue);
        assertEquals("1", consumer.receiveBody(String.class, 5_000));
        context.acknowledge();
        assertEquals("2", consumer.receiveBody(String.class, 5_000));
        context.recover();
        Message again = consumer.receive(5_000);
        assertEquals("2", ((TextMessage) again).getText());
        assertTrue(again.getJMSRedelivered());
        context.acknowledge();
        assertNull(consumer.receiveNoWait());
    }

    @Test
    void s6_1_8_closedContextThrowsIllegalStateRuntimeExceptionExceptClose() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("context-closed"));
        JMSConsumer consumer = context.createConsumer(queue);
        JMSProducer producer = context.createProducer();
        context.close();
        assertThrows(IllegalStateRuntimeException.class, context::createProducer);
        assertThrows(IllegalStateRuntimeException.class, () -> context.createConsumer(queue));
        assertThrows(IllegalStateRuntimeException.class, context::createTextMessage);
        assertThrows(IllegalStateRuntimeException.class, context::getClientID);
        assertThrows(IllegalStateRuntimeException.class, context::acknowledge);
        assertThrows(IllegalStateRuntimeException.class, () -> producer.send(queue, "x"));
        assertThrows(IllegalStateRuntimeException.class, () -> consumer.receiveBody(String.class, 10));
        context.close(); // ignored
        consumer.close();
    }

    @Test
    void s6_1_5_and_6_1_8_stopOrCloseFromOwnListenerThrowsIllegalStateRuntimeException() throws Exception {
        JMSContext context = context();
        Queue queue = context.createQueue(unique("context-self"));
        CompletableFuture<List<Throwable>> outcome = new CompletableFuture<>();
        context.createConsumer(queue).setMessageListener(m -> {
            List<Throwable> thrown = new ArrayList<>();
            for (Runnable call : List.<Runnable>of(context::stop, context::close)) {
                try {
                    call.run();
                } catch (Throwable e) {
                    thrown.add(e);
                }
            }
            outcome.complete(thrown);
        });
        context.createProducer().send(queue, "x");
        List<Throwable> thrown = outcome.get(5, TimeUnit.SECONDS);
        assertEquals(2, thrown.size(), thrown.toString());
        for (Throwable e : thrown) {
            assertInstanceOf(IllegalStateRuntimeException.class, e);
        }
    }

    @Test
    void s8_3_simplifiedApiTopicConsumers() throws Exception {
        JMSContext context = context();
        context.setClientID(unique("context-topics"));
        Topic topic = context.createTopic(unique("context-topic"));
        JMSConsumer plain = context.createConsumer(topic);
        JMSConsumer durable = context.createDurableConsumer(topic, "d");
        JMSConsumer shared = context.createSharedConsumer(topic, "s");
        JMSConsumer sharedDurable = context.createSharedDurableConsumer(topic, "sd");
        context.createProducer().send(topic, "event");
        Set<String> got = new HashSet<>();
        for (JMSConsumer consumer : List.of(plain, durable, shared, sharedDurable)) {
            got.add(consumer.receiveBody(String.class, 5_000));
        }
        assertEquals(Set.of("event"), got);
        durable.close();
        sharedDurable.close();
        context.unsubscribe("d");
        context.unsubscribe("sd");
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.unsubscribe("d"));
    }
}
