package io.keelmq.server.conformance;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chapter 3, the message model: headers, properties, bodies, and what a received message allows. */
class MessageModelConformanceTest extends ConformanceTestBase {
    private Connection connection;
    private Session session;
    private Queue queue;
    private MessageProducer producer;
    private MessageConsumer consumer;

    @BeforeEach
    void open() throws JMSException {
        connection = connection();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        queue = session.createQueue(unique("model"));
        producer = session.createProducer(queue);
        consumer = session.createConsumer(queue);
        connection.start();
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> T roundTrip(T message) throws JMSException {
        producer.send(message);
        Message received = consumer.receive(5_000);
        assertNotNull(received, "message came back");
        return (T) received;
    }

    // ------------------------------------------------------------------ 3.4 header fields

    @Test
    void s3_4_headersAreSetBySendAndArriveUnchanged() throws Exception {
        TemporaryQueue replyTo = session.createTemporaryQueue();
        Message message = session.createTextMessage("headers");
        message.setJMSCorrelationID("corr-1");
        message.setJMSReplyTo(replyTo);
        message.setJMSType("order");
        long before = System.currentTimeMillis();
        producer.send(message, DeliveryMode.NON_PERSISTENT, 6, 60_000);
        long after = System.currentTimeMillis();
        // 3.4.1 JMSDestination, 3.4.2 JMSDeliveryMode, 3.4.3 JMSMessageID, 3.4.4 JMSTimestamp, 3.4.9, 3.4.10
        assertEquals(queue, message.getJMSDestination());
        assertEquals(DeliveryMode.NON_PERSISTENT, message.getJMSDeliveryMode());
        assertTrue(message.getJMSMessageID().startsWith("ID:"), message.getJMSMessageID());
        assertTrue(message.getJMSTimestamp() >= before && message.getJMSTimestamp() <= after);
        assertEquals(message.getJMSTimestamp() + 60_000, message.getJMSExpiration());
        assertEquals(6, message.getJMSPriority());
        Message received = consumer.receive(5_000);
        assertEquals(message.getJMSMessageID(), received.getJMSMessageID());
        assertEquals(queue, received.getJMSDestination());
        assertEquals(DeliveryMode.NON_PERSISTENT, received.getJMSDeliveryMode());
        assertEquals(message.getJMSTimestamp(), received.getJMSTimestamp());
        assertEquals(message.getJMSExpiration(), received.getJMSExpiration());
        assertEquals(6, received.getJMSPriority());
        // 3.4.5 JMSCorrelationID, 3.4.6 JMSReplyTo, 3.4.7 JMSRedelivered, 3.4.8 JMSType
        assertEquals("corr-1", received.getJMSCorrelationID());
        assertEquals(replyTo, received.getJMSReplyTo());
        assertFalse(received.getJMSRedelivered(), "first delivery");
        assertEquals("order", received.getJMSType());
    }

    @Test
    void s3_4_3_messageIdsAreUniquePerMessage() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Message message = session.createMessage();
            producer.send(message);
            assertTrue(ids.add(message.getJMSMessageID()), "duplicate id " + message.getJMSMessageID());
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(ids.contains(consumer.receive(5_000).getJMSMessageID()));
        }
    }

    @Test
    void s3_4_5_correlationIdAsBytesRoundTrips() throws Exception {
        Message message = session.createMessage();
        byte[] id = {1, 2, 3, 0, -1};
        message.setJMSCorrelationIDAsBytes(id);
        assertArrayEquals(id, roundTrip(message).getJMSCorrelationIDAsBytes());
    }

    @Test
    void s3_4_11_valuesTheClientSetsBeforeSendAreReplacedBySend() throws Exception {
        Message message = session.createMessage();
        message.setJMSPriority(0);
        message.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        message.setJMSExpiration(1);
        message.setJMSMessageID("ID:mine");
        message.setJMSTimestamp(1);
        message.setJMSDestination(session.createQueue("elsewhere"));
        message.setJMSRedelivered(true);
        producer.send(message);
        assertEquals(Message.DEFAULT_PRIORITY, message.getJMSPriority());
        assertEquals(DeliveryMode.PERSISTENT, message.getJMSDeliveryMode());
        assertEquals(0, message.getJMSExpiration());
        assertNotEquals("ID:mine", message.getJMSMessageID());
        assertNotEquals(1, message.getJMSTimestamp());
        assertEquals(queue, message.getJMSDestination());
        Message received = consumer.receive(5_000);
        assertFalse(received.getJMSRedelivered(), "JMSRedelivered is the provider's, not the sender's");
        assertEquals(Message.DEFAULT_PRIORITY, received.getJMSPriority());
    }

    @Test
    void s3_9_aSentMessageMayBeChangedAndSentAgain() throws Exception {
        TextMessage message = session.createTextMessage("first");
        producer.send(message);
        message.setText("second");
        message.setIntProperty("n", 2);
        producer.send(message);
        assertEquals("first", ((TextMessage) consumer.receive(5_000)).getText());
        TextMessage second = (TextMessage) consumer.receive(5_000);
        assertEquals("second", second.getText());
        assertEquals(2, second.getIntProperty("n"));
    }

    // ------------------------------------------------------------------ 3.5 properties

    @Test
    void s3_5_1_propertyNamesMustBeSelectorIdentifiers() throws Exception {
        Message message = session.createMessage();
        assertThrows(IllegalArgumentException.class, () -> message.setStringProperty(null, "x"));
        assertThrows(IllegalArgumentException.class, () -> message.setStringProperty("", "x"));
        assertThrows(IllegalArgumentException.class, () -> message.setIntProperty("1abc", 1));
        assertThrows(IllegalArgumentException.class, () -> message.setBooleanProperty("a-b", true));
        assertThrows(IllegalArgumentException.class, () -> message.setObjectProperty("NULL", 1));
        assertThrows(IllegalArgumentException.class, () -> message.setObjectProperty("and", 1));
        message.setStringProperty("_ok$1", "fine");
        assertEquals("fine", message.getStringProperty("_ok$1"));
    }

    @Test
    void s3_5_4_propertyConversionTableAndItsExceptions() throws Exception {
        Message message = session.createMessage();
        message.setBooleanProperty("b", true);
        message.setByteProperty("y", (byte) 7);
        message.setShortProperty("s", (short) 300);
        message.setIntProperty("i", 70_000);
        message.setLongProperty("l", 1L << 40);
        message.setFloatProperty("f", 1.5f);
        message.setDoubleProperty("d", 2.25);
        message.setStringProperty("str", "123");
        message.setStringProperty("text", "abc");
        Message m = roundTrip(message);
        // Allowed conversions (table 3-4)
        assertEquals("true", m.getStringProperty("b"));
        assertEquals(7, m.getShortProperty("y"));
        assertEquals(7, m.getIntProperty("y"));
        assertEquals(7L, m.getLongProperty("y"));
        assertEquals(300, m.getIntProperty("s"));
        assertEquals(70_000L, m.getLongProperty("i"));
        assertEquals(1.5, m.getDoubleProperty("f"));
        assertEquals("2.25", m.getStringProperty("d"));
        assertEquals(123, m.getIntProperty("str"));
        assertEquals(123L, m.getLongProperty("str"));
        assertEquals((byte) 123, m.getByteProperty("str"));
        assertEquals(123.0, m.getDoubleProperty("str"));
        assertTrue(Boolean.parseBoolean(m.getStringProperty("b")));
        assertFalse(m.getBooleanProperty("text"), "String to boolean: Boolean.valueOf");
        // Conversions the table forbids: MessageFormatException
        assertThrows(MessageFormatException.class, () -> m.getIntProperty("b"));
        assertThrows(MessageFormatException.class, () -> m.getBooleanProperty("i"));
        assertThrows(MessageFormatException.class, () -> m.getByteProperty("s"));
        assertThrows(MessageFormatException.class, () -> m.getShortProperty("i"));
        assertThrows(MessageFormatException.class, () -> m.getIntProperty("l"));
        assertThrows(MessageFormatException.class, () -> m.getFloatProperty("d"));
        assertThrows(MessageFormatException.class, () -> m.getLongProperty("f"));
        // A String that does not parse: the valueOf exception (NumberFormatException)
        assertThrows(NumberFormatException.class, () -> m.getIntProperty("text"));
        assertThrows(NumberFormatException.class, () -> m.getDoubleProperty("text"));
    }

    @Test
    void s3_5_5_and_3_5_8_objectPropertiesAndMissingProperties() throws Exception {
        Message message = session.createMessage();
        message.setObjectProperty("i", 5);
        message.setObjectProperty("s", "five");
        assertThrows(MessageFormatException.class, () -> message.setObjectProperty("list", new ArrayList<>()));
        assertThrows(MessageFormatException.class, () -> message.setObjectProperty("bytes", new byte[1]));
        Message m = roundTrip(message);
        assertEquals(5, m.getObjectProperty("i"));
        assertEquals("five", m.getObjectProperty("s"));
        // 3.5.8: a property that was not set is null (valueOf(null) for the typed getters)
        assertFalse(m.propertyExists("missing"));
        assertNull(m.getObjectProperty("missing"));
        assertNull(m.getStringProperty("missing"));
        assertFalse(m.getBooleanProperty("missing"));
        assertThrows(NumberFormatException.class, () -> m.getIntProperty("missing"));
        assertThrows(NumberFormatException.class, () -> m.getLongProperty("missing"));
        assertThrows(NullPointerException.class, () -> m.getDoubleProperty("missing"));
    }

    @Test
    void s3_5_6_propertyNamesListPropertiesButNotHeaders() throws Exception {
        Message message = session.createMessage();
        message.setStringProperty("a", "1");
        message.setIntProperty("b", 2);
        message.setJMSType("typed");
        Message m = roundTrip(message);
        Set<String> names = new HashSet<>(Collections.list(castNames(m)));
        assertTrue(names.containsAll(Set.of("a", "b")), names.toString());
        for (String name : names) {
            assertFalse(name.startsWith("JMS") && !name.startsWith("JMSX") && !name.startsWith("JMS_"),
                    "header field listed as a property: " + name);
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.Enumeration<String> castNames(Message m) throws JMSException {
        return (java.util.Enumeration<String>) m.getPropertyNames();
    }

    @Test
    void s3_5_7_and_3_10_receivedPropertiesAreReadOnlyUntilCleared() throws Exception {
        TextMessage message = session.createTextMessage("body stays");
        message.setStringProperty("p", "v");
        TextMessage m = roundTrip(message);
        assertThrows(MessageNotWriteableException.class, () -> m.setStringProperty("p", "w"));
        assertThrows(MessageNotWriteableException.class, () -> m.setIntProperty("q", 1));
        assertThrows(MessageNotWriteableException.class, () -> m.setObjectProperty("q", 1));
        m.clearProperties();
        assertFalse(m.propertyExists("p"));
        assertEquals("body stays", m.getText(), "clearProperties leaves the body");
        m.setStringProperty("p", "w");
        assertEquals("w", m.getStringProperty("p"));
        // Header fields of a received message may be changed (3.10)
        m.setJMSType("changed");
        assertEquals("changed", m.getJMSType());
    }

    @Test
    void s3_5_9_and_3_5_11_jmsxPropertiesAreSupported() throws Exception {
        Set<String> supported = new HashSet<>(Collections.list(castJmsx(connection)));
        assertTrue(supported.containsAll(Set.of("JMSXGroupID", "JMSXGroupSeq", "JMSXDeliveryCount")), supported.toString());
        Message message = session.createMessage();
        message.setStringProperty("JMSXGroupID", "g1");
        message.setIntProperty("JMSXGroupSeq", 3);
        Message m = roundTrip(message);
        assertEquals("g1", m.getStringProperty("JMSXGroupID"));
        assertEquals(3, m.getIntProperty("JMSXGroupSeq"));
        assertEquals(1, m.getIntProperty("JMSXDeliveryCount"), "set by the provider on receive");
    }

    @SuppressWarnings("unchecked")
    private static java.util.Enumeration<String> castJmsx(Connection connection) throws JMSException {
        return (java.util.Enumeration<String>) connection.getMetaData().getJMSXPropertyNames();
    }

    // ------------------------------------------------------------------ 3.11 bodies

    @Test
    void s3_11_1_clearBodyEmptiesAndMakesWritableButKeepsProperties() throws Exception {
        TextMessage message = session.createTextMessage("text");
        message.setStringProperty("p", "v");
        TextMessage m = roundTrip(message);
        assertThrows(MessageNotWriteableException.class, () -> m.setText("no"));
        m.clearBody();
        assertNull(m.getText());
        assertEquals("v", m.getStringProperty("p"));
        m.setText("yes");
        assertEquals("yes", m.getText());
    }

    @Test
    void s3_11_2_bytesMessageIsWriteOnlyWhenNewAndReadOnlyWhenReceived() throws Exception {
        BytesMessage message = session.createBytesMessage();
        message.writeInt(42);
        message.writeUTF("x");
        assertThrows(MessageNotReadableException.class, message::readInt);
        assertThrows(MessageNotReadableException.class, message::getBodyLength);
        BytesMessage m = roundTrip(message);
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(1));
        assertEquals(42, m.readInt());
        assertEquals("x", m.readUTF());
        assertThrows(MessageEOFException.class, m::readByte);
        m.reset();
        assertEquals(42, m.readInt());
        m.clearBody();
        m.writeByte((byte) 1);
        assertThrows(MessageNotReadableException.class, m::readByte);
        m.reset();
        assertEquals(1, m.readByte());
        assertEquals(1, m.getBodyLength());
    }

    @Test
    void s3_11_2_streamMessageReadOnlyAndWriteOnlyModes() throws Exception {
        StreamMessage message = session.createStreamMessage();
        message.writeInt(1);
        message.writeString("two");
        assertThrows(MessageNotReadableException.class, message::readInt);
        StreamMessage m = roundTrip(message);
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(3));
        assertEquals(1, m.readInt());
        assertEquals("two", m.readString());
        assertThrows(MessageEOFException.class, m::readObject);
    }

    @Test
    void s3_11_2_mapAndObjectMessagesAreReadOnlyWhenReceived() throws Exception {
        MapMessage map = session.createMapMessage();
        map.setInt("n", 1);
        MapMessage m = roundTrip(map);
        assertThrows(MessageNotWriteableException.class, () -> m.setInt("n", 2));
        assertEquals(1, m.getInt("n"));
        ObjectMessage object = session.createObjectMessage("payload");
        ObjectMessage o = roundTrip(object);
        assertThrows(MessageNotWriteableException.class, () -> o.setObject("other"));
        assertEquals("payload", o.getObject());
    }

    @Test
    void s3_11_3_streamMessageConversionsAndAFailedReadDoesNotMove() throws Exception {
        StreamMessage message = session.createStreamMessage();
        message.writeString("12");
        message.writeShort((short) 5);
        message.writeBoolean(true);
        message.writeString("abc");
        StreamMessage m = roundTrip(message);
        assertEquals(12L, m.readLong(), "String to long");
        assertThrows(MessageFormatException.class, m::readByte, "short to byte is not allowed");
        assertEquals(5, m.readInt(), "the failed read left the position on the short");
        assertEquals("true", m.readString(), "boolean to String");
        assertThrows(NumberFormatException.class, m::readInt);
        assertEquals("abc", m.readString(), "the failed read left the position on the string");
    }

    @Test
    void s3_11_3_mapMessageConversions() throws Exception {
        MapMessage message = session.createMapMessage();
        message.setString("s", "7");
        message.setByte("b", (byte) 3);
        message.setFloat("f", 0.5f);
        message.setBytes("raw", new byte[] {9});
        MapMessage m = roundTrip(message);
        assertEquals(7, m.getInt("s"));
        assertEquals(3L, m.getLong("b"));
        assertEquals(0.5, m.getDouble("f"));
        assertThrows(MessageFormatException.class, () -> m.getInt("f"));
        assertThrows(MessageFormatException.class, () -> m.getString("raw"));
        assertArrayEquals(new byte[] {9}, m.getBytes("raw"));
        assertNull(m.getString("absent"));
        assertFalse(m.itemExists("absent"));
        assertEquals(Set.of("s", "b", "f", "raw"), new HashSet<>(Collections.list(castMapNames(m))));
    }

    @SuppressWarnings("unchecked")
    private static java.util.Enumeration<String> castMapNames(MapMessage m) throws JMSException {
        return (java.util.Enumeration<String>) m.getMapNames();
    }

    // ------------------------------------------------------------------ 3.7 getBody, isBodyAssignableTo

    @Test
    void s3_7_getBodyAndIsBodyAssignableToForEachBodyType() throws Exception {
        TextMessage text = roundTrip(session.createTextMessage("t"));
        assertEquals("t", text.getBody(String.class));
        assertTrue(text.isBodyAssignableTo(String.class));
        assertTrue(text.isBodyAssignableTo(Object.class));
        assertFalse(text.isBodyAssignableTo(Integer.class));
        assertThrows(MessageFormatException.class, () -> text.getBody(Integer.class));

        Message plain = roundTrip(session.createMessage());
        assertNull(plain.getBody(String.class), "a Message has no body");
        assertTrue(plain.isBodyAssignableTo(Map.class));

        BytesMessage bytes = session.createBytesMessage();
        bytes.writeBytes(new byte[] {1, 2});
        BytesMessage receivedBytes = roundTrip(bytes);
        assertArrayEquals(new byte[] {1, 2}, receivedBytes.getBody(byte[].class));
        assertFalse(receivedBytes.isBodyAssignableTo(String.class));
        assertThrows(MessageFormatException.class, () -> receivedBytes.getBody(String.class));
        BytesMessage emptyBytes = roundTrip(session.createBytesMessage());
        assertNull(emptyBytes.getBody(byte[].class), "an empty BytesMessage's body is null");

        MapMessage map = session.createMapMessage();
        map.setInt("k", 1);
        MapMessage receivedMap = roundTrip(map);
        assertEquals(Map.of("k", 1), receivedMap.getBody(Map.class));
        assertTrue(receivedMap.isBodyAssignableTo(Map.class));

        ObjectMessage object = roundTrip(session.createObjectMessage(new java.util.ArrayList<>(List.of("x"))));
        assertEquals(List.of("x"), object.getBody(Serializable.class));
        assertTrue(object.isBodyAssignableTo(List.class));
        assertFalse(object.isBodyAssignableTo(String.class));
        assertThrows(MessageFormatException.class, () -> object.getBody(String.class));

        StreamMessage stream = session.createStreamMessage();
        stream.writeInt(1);
        StreamMessage receivedStream = roundTrip(stream);
        assertFalse(receivedStream.isBodyAssignableTo(Object.class), "a StreamMessage's body is never assignable");
        assertThrows(MessageFormatException.class, () -> receivedStream.getBody(Object.class));
    }

    @Test
    void s3_11_textMessageWithNullAndEmptyText() throws Exception {
        assertNull(((TextMessage) roundTrip(session.createTextMessage())).getText());
        assertEquals("", ((TextMessage) roundTrip(session.createTextMessage(""))).getText());
        assertNull(roundTrip(session.createObjectMessage()).getObject());
    }
}
