package io.keelmq.jms.message;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelMessageTest {

    private static final Destination QUEUE = new Destination() {
    };
    private static final Destination REPLY = new Destination() {
    };

    @Test
    void aNewMessageHasProducerDefaultsAndNothingElse() throws JMSException {
        KeelMessage m = new KeelMessage();
        assertEquals(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode());
        assertEquals(Message.DEFAULT_PRIORITY, m.getJMSPriority());
        assertNull(m.getJMSMessageID());
        assertEquals(0, m.getJMSTimestamp());
        assertNull(m.getJMSCorrelationID());
        assertNull(m.getJMSCorrelationIDAsBytes());
        assertNull(m.getJMSReplyTo());
        assertNull(m.getJMSDestination());
        assertFalse(m.getJMSRedelivered());
        assertNull(m.getJMSType());
        assertEquals(0, m.getJMSExpiration());
        assertEquals(0, m.getJMSDeliveryTime());
        assertEquals(0, m.getDeliveryCount());
        assertFalse(m.isReadOnlyBody());
        assertFalse(m.isReadOnlyProperties());
        assertEquals(BodyType.NONE, m.bodyType());
    }

    @Test
    void headerFieldsKeepWhatIsSet() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setJMSMessageID("ID:1");
        m.setJMSTimestamp(11);
        m.setJMSCorrelationID("corr");
        m.setJMSReplyTo(REPLY);
        m.setJMSDestination(QUEUE);
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSRedelivered(true);
        m.setJMSType("type");
        m.setJMSExpiration(22);
        m.setJMSDeliveryTime(33);
        m.setJMSPriority(9);
        assertEquals("ID:1", m.getJMSMessageID());
        assertEquals(11, m.getJMSTimestamp());
        assertEquals("corr", m.getJMSCorrelationID());
        assertSame(REPLY, m.getJMSReplyTo());
        assertSame(QUEUE, m.getJMSDestination());
        assertEquals(DeliveryMode.NON_PERSISTENT, m.getJMSDeliveryMode());
        assertTrue(m.getJMSRedelivered());
        assertEquals("type", m.getJMSType());
        assertEquals(22, m.getJMSExpiration());
        assertEquals(33, m.getJMSDeliveryTime());
        assertEquals(9, m.getJMSPriority());
    }

    @Test
    void invalidDeliveryModeAndPriorityAreRefused() throws JMSException {
        KeelMessage m = new KeelMessage();
        assertThrows(JMSException.class, () -> m.setJMSDeliveryMode(0));
        assertThrows(JMSException.class, () -> m.setJMSPriority(-1));
        assertThrows(JMSException.class, () -> m.setJMSPriority(10));
        m.setJMSPriority(0);
        assertEquals(0, m.getJMSPriority());
        assertEquals(DeliveryMode.PERSISTENT, m.getJMSDeliveryMode());
    }

    @Test
    void correlationIdAsBytesIsCopiedBothWays() throws JMSException {
        KeelMessage m = new KeelMessage();
        byte[] id = {1, 2, (byte) 0xFF};
        m.setJMSCorrelationIDAsBytes(id);
        id[0] = 9;
        assertArrayEquals(new byte[]{1, 2, (byte) 0xFF}, m.getJMSCorrelationIDAsBytes());
        m.getJMSCorrelationIDAsBytes()[1] = 9;
        assertArrayEquals(new byte[]{1, 2, (byte) 0xFF}, m.getJMSCorrelationIDAsBytes());
        assertTrue(m.hasBinaryCorrelationID());

        m.setJMSCorrelationID("héllo");
        assertFalse(m.hasBinaryCorrelationID());
        assertArrayEquals("héllo".getBytes(StandardCharsets.UTF_8), m.getJMSCorrelationIDAsBytes());
        m.setJMSCorrelationIDAsBytes("abc".getBytes(StandardCharsets.UTF_8));
        assertEquals("abc", m.getJMSCorrelationID());
        m.setJMSCorrelationIDAsBytes(null);
        assertNull(m.getJMSCorrelationID());
    }

    @Test
    void onReceiveRecordsTheDeliveryAndFreezesPropertiesAndBody() throws JMSException {
        KeelMessage first = new KeelMessage();
        first.onReceive(1);
        assertEquals(1, first.getDeliveryCount());
        assertFalse(first.getJMSRedelivered());
        assertTrue(first.isReadOnlyProperties());
        assertTrue(first.isReadOnlyBody());

        KeelMessage again = new KeelMessage();
        again.onReceive(2);
        assertTrue(again.getJMSRedelivered(), "spec 3.5.11: a count of 2 or more is a redelivery");

        assertThrows(IllegalArgumentException.class, () -> new KeelMessage().onReceive(0));
    }

    @Test
    void acknowledgeDelegatesToTheAcknowledgerAndIsANoOpWithout() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.acknowledge();

        List<KeelMessage> acknowledged = new ArrayList<>();
        m.setAcknowledger(acknowledged::add);
        m.acknowledge();
        m.acknowledge();
        assertEquals(List.of(m, m), acknowledged);

        m.setAcknowledger(message -> {
            throw new jakarta.jms.IllegalStateException("session closed");
        });
        assertThrows(jakarta.jms.IllegalStateException.class, m::acknowledge);
    }

    @Test
    void aPlainMessageHasNoBody() throws JMSException {
        KeelMessage m = new KeelMessage();
        assertNull(m.getBody(String.class));
        assertNull(m.getBody(Integer.class));
        assertTrue(m.isBodyAssignableTo(byte[].class));
        m.onReceive(1);
        m.clearBody();
        assertFalse(m.isReadOnlyBody());
    }

    @Test
    void copyIsIndependentAndLeavesTheAcknowledgerBehind() throws JMSException {
        KeelMessage m = new KeelMessage();
        m.setJMSType("t");
        m.setJMSCorrelationIDAsBytes(new byte[]{7});
        m.setStringProperty("p", "v");
        m.setAcknowledger(message -> {
        });
        KeelMessage copy = m.copy();

        assertNotSame(m, copy);
        assertEquals("t", copy.getJMSType());
        assertArrayEquals(new byte[]{7}, copy.getJMSCorrelationIDAsBytes());
        assertEquals("v", copy.getStringProperty("p"));
        assertNull(copy.getAcknowledger());

        copy.setStringProperty("p", "changed");
        copy.setJMSType("u");
        assertEquals("v", m.getStringProperty("p"));
        assertEquals("t", m.getJMSType());

        m.onReceive(2);
        KeelMessage receivedCopy = m.copy();
        assertTrue(receivedCopy.isReadOnlyProperties(), "states are part of the copy");
        assertEquals(2, receivedCopy.getIntProperty("JMSXDeliveryCount"));
    }
}
