package io.keelmq.jms;

import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.CompletionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.InvalidClientIDRuntimeException;
import jakarta.jms.InvalidDestinationRuntimeException;
import jakarta.jms.InvalidSelectorRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JMSContextTest extends FakeBrokerTestBase {

    @Test
    void sendsBodiesAndReceivesThemBackWithAutoStart() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("q");
        JMSConsumer consumer = context.createConsumer(queue);
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("k", 7);
        JMSProducer producer = context.createProducer();
        producer.send(queue, "text").send(queue, map).send(queue, new byte[] {1, 2}).send(queue, 42L);
        assertEquals("text", consumer.receiveBody(String.class, 2000));
        assertEquals(map, consumer.receiveBody(Map.class, 2000));
        assertArrayEquals(new byte[] {1, 2}, consumer.receiveBody(byte[].class, 2000));
        assertEquals(42L, consumer.receiveBody(Long.class, 2000));
        assertNull(consumer.receiveBodyNoWait(String.class));
    }

    @Test
    void aBodyOfTheWrongTypeLeavesTheMessageForTheNextReceive() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("q");
        JMSConsumer consumer = context.createConsumer(queue);
        context.createProducer().send(queue, "text");
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Integer.class, 2000));
        assertEquals(0, broker.requests(RequestCode.ACK).size(), "not acknowledged");
        Message again = consumer.receive(2000);
        assertEquals("text", ((TextMessage) again).getText());
        assertFalse(again.getJMSRedelivered(), "not a redelivery (spec 8.6)");
        context.createProducer().send(queue, context.createMessage());
        assertThrows(MessageFormatRuntimeException.class, () -> consumer.receiveBody(Object.class, 2000),
                "a plain Message has no body to return");
    }

    @Test
    void producerPropertiesAndHeadersOverrideTheMessages() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        Queue queue = context.createQueue("q");
        Queue replyTo = context.createQueue("replies");
        TextMessage message = context.createTextMessage("body");
        message.setIntProperty("p", 1);
        message.setJMSType("old");
        JMSProducer producer = context.createProducer().setProperty("p", 5).setProperty("q", "x")
                .setJMSType("new").setJMSCorrelationID("corr").setJMSReplyTo(replyTo).setPriority(8)
                .setTimeToLive(60_000);
        assertEquals(5, producer.getIntProperty("p"));
        assertEquals("5", producer.getStringProperty("p"));
        assertTrue(producer.getPropertyNames().contains("q"));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.getBooleanProperty("p"));
        assertThrows(IllegalArgumentException.class, () -> producer.setProperty("", 1));
        assertThrows(MessageFormatRuntimeException.class, () -> producer.setProperty("o", new Object()));
        assertThrows(JMSRuntimeException.class, () -> producer.setPriority(11));
        producer.send(queue, message);
        Message received = context.createConsumer(queue).receive(2000);
        assertEquals(5, received.getIntProperty("p"));
        assertEquals("x", received.getStringProperty("q"));
        assertEquals("new", received.getJMSType());
        assertEquals("corr", received.getJMSCorrelationID());
        assertEquals(replyTo, received.getJMSReplyTo());
        assertEquals(8, received.getJMSPriority());
        assertTrue(received.getJMSExpiration() > 0);
    }

    @Test
    void asynchronousSendThroughSetAsync() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        BlockingQueue<Message> completed = new ArrayBlockingQueue<>(1);
        context.createProducer().setAsync(new CompletionListener() {
            @Override
            public void onCompletion(Message message) {
                completed.add(message);
            }

            @Override
            public void onException(Message message, Exception exception) {
            }
        }).send(context.createQueue("q"), "async");
        Message message = completed.poll(5, TimeUnit.SECONDS);
        assertEquals("async", ((TextMessage) message).getText());
    }

    @Test
    void theClientIdCanBeSetRightAfterCreation() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        context.setClientID("ctx");
        assertEquals("ctx", context.getClientID());
        assertThrows(IllegalStateRuntimeException.class, () -> context.setClientID("again"));
        JMSContext other = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidClientIDRuntimeException.class, () -> other.setClientID("ctx"));
    }

    @Test
    void checkedExceptionsBecomeTheirUncheckedTwins() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        assertThrows(InvalidSelectorRuntimeException.class,
                () -> context.createConsumer(context.createQueue("q"), "x ="));
        assertThrows(IllegalStateRuntimeException.class, context::commit);
        assertThrows(InvalidDestinationRuntimeException.class, () -> context.createProducer().send(null, "x"));
        assertThrows(MessageFormatRuntimeException.class,
                () -> context.createProducer().send(context.createQueue("q"), (Message) null));
        broker.sendStatuses("FLUSH_DISK_TIMEOUT");
        JMSRuntimeException e = assertThrows(JMSRuntimeException.class,
                () -> context.createProducer().send(context.createQueue("q"), "x"));
        assertInstanceOf(SendStatusException.class, e.getCause());
    }

    @Test
    void invalidSessionModesAreRefusedBeforeConnecting() throws Exception {
        KeelConnectionFactory factory = factory();
        JMSRuntimeException e = assertThrows(JMSRuntimeException.class, () -> factory.createContext(42));
        assertTrue(e.getMessage().contains("invalid session mode 42"), e.getMessage());
        assertEquals(0, broker.connectionCount(), "checked before connecting");
    }

    @Test
    void contextsShareAConnectionThatTheLastOneCloses() throws Exception {
        JMSContext first = context(JMSContext.AUTO_ACKNOWLEDGE);
        JMSContext second = first.createContext(JMSContext.CLIENT_ACKNOWLEDGE);
        assertEquals(JMSContext.CLIENT_ACKNOWLEDGE, second.getSessionMode());
        Queue queue = first.createQueue("q");
        first.createProducer().send(queue, "shared");
        first.close();
        assertThrows(IllegalStateRuntimeException.class, first::createProducer);
        assertEquals(0, broker.requests(RequestCode.CLOSE).size());
        Message received = second.createConsumer(queue).receive(2000);
        assertEquals("shared", received.getBody(String.class));
        second.acknowledge();
        assertEquals(1, broker.states("queue/q")[2]);
        second.close();
        assertEquals(1, broker.requests(RequestCode.CLOSE).size());
        assertEquals(1, broker.requests(RequestCode.HANDSHAKE).size());
    }

    @Test
    void autoStartCanBeTurnedOff() throws Exception {
        JMSContext context = context(JMSContext.AUTO_ACKNOWLEDGE);
        context.setAutoStart(false);
        Queue queue = context.createQueue("q");
        context.createProducer().send(queue, "later");
        JMSConsumer consumer = context.createConsumer(queue);
        assertNull(consumer.receive(100));
        context.start();
        assertEquals("later", consumer.receiveBody(String.class, 2000));
    }
}
