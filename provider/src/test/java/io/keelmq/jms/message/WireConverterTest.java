package io.keelmq.jms.message;

import io.keelmq.jms.KeelQueue;
import io.keelmq.jms.KeelTopic;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireConverterTest {

    /** What a consumer gets for what a producer sent: through the wire encoding and back. */
    private static KeelMessage roundTrip(KeelMessage message, int deliveryCount) throws Exception {
        byte[] bytes = WireMessageCodec.encode(WireConverter.toWire(message));
        return WireConverter.fromWire(WireMessageCodec.decode(bytes), deliveryCount);
    }

    @Test
    void headersAndPropertiesTravel() throws Exception {
        KeelTextMessage m = new KeelTextMessage("hi");
        m.setJMSMessageID("ID:1");
        m.setJMSTimestamp(11);
        m.setJMSCorrelationIDAsBytes(new byte[] {1, 2, 3});
        m.setJMSDestination(new KeelQueue("q"));
        m.setJMSReplyTo(new KeelTopic("replies"));
        m.setJMSDeliveryMode(DeliveryMode.NON_PERSISTENT);
        m.setJMSType("type");
        m.setJMSExpiration(22);
        m.setJMSPriority(9);
        m.setJMSDeliveryTime(33);
        m.setIntProperty("i", 5);
        m.setStringProperty("JMSXGroupID", "g");
        m.setProviderProperty(PropertyNames.KEEL_SEND_STATUS, "SEND_OK");

        KeelMessage r = roundTrip(m, 1);
        assertEquals("ID:1", r.getJMSMessageID());
        assertEquals(11, r.getJMSTimestamp());
        assertArrayEquals(new byte[] {1, 2, 3}, r.getJMSCorrelationIDAsBytes());
        assertEquals(new KeelQueue("q"), r.getJMSDestination());
        assertEquals(new KeelTopic("replies"), r.getJMSReplyTo());
        assertEquals(DeliveryMode.NON_PERSISTENT, r.getJMSDeliveryMode());
        assertEquals("type", r.getJMSType());
        assertEquals(22, r.getJMSExpiration());
        assertEquals(9, r.getJMSPriority());
        assertEquals(33, r.getJMSDeliveryTime());
        assertEquals(5, r.getIntProperty("i"));
        assertEquals("g", r.getStringProperty("JMSXGroupID"));
        assertFalse(r.propertyExists(PropertyNames.KEEL_SEND_STATUS));
        assertEquals(1, r.getIntProperty("JMSXDeliveryCount"));
        assertFalse(r.getJMSRedelivered());
        assertThrows(MessageNotWriteableException.class, () -> r.setIntProperty("x", 1));
        assertThrows(MessageNotWriteableException.class, () -> ((TextMessage) r).setText("no"));
    }

    @Test
    void everyBodyTypeArrivesAsItsOwnType() throws Exception {
        KeelBytesMessage bytes = new KeelBytesMessage();
        bytes.writeInt(7);
        assertEquals(7, ((BytesMessage) roundTrip(bytes, 1)).readInt());

        KeelMapMessage map = new KeelMapMessage();
        map.setChar("c", 'x');
        map.setBytes("b", new byte[] {9});
        MapMessage mapBack = (MapMessage) roundTrip(map, 1);
        assertEquals('x', mapBack.getChar("c"));
        assertArrayEquals(new byte[] {9}, mapBack.getBytes("b"));

        KeelStreamMessage stream = new KeelStreamMessage();
        stream.writeDouble(1.5);
        stream.writeString("s");
        StreamMessage streamBack = (StreamMessage) roundTrip(stream, 1);
        assertEquals(1.5, streamBack.readDouble());
        assertEquals("s", streamBack.readString());

        KeelObjectMessage object = new KeelObjectMessage();
        object.setObject(new ArrayList<>(List.of("a")));
        assertEquals(List.of("a"), ((ObjectMessage) roundTrip(object, 1)).getObject());

        assertNull(((TextMessage) roundTrip(new KeelTextMessage((String) null), 1)).getText());
        assertEquals("", ((TextMessage) roundTrip(new KeelTextMessage(""), 1)).getText());
        assertEquals(KeelMessage.class, roundTrip(new KeelMessage(), 1).getClass());
    }

    @Test
    void theDeliveryCountDecidesRedelivered() throws Exception {
        KeelMessage r = roundTrip(new KeelMessage(), 3);
        assertTrue(r.getJMSRedelivered());
        assertEquals(3, r.getIntProperty("JMSXDeliveryCount"));
    }

    @Test
    void temporaryDestinationsKeepTheirKind() throws Exception {
        KeelMessage m = new KeelMessage();
        m.setJMSReplyTo(io.keelmq.jms.KeelDestination.fromRef(new DestinationRef(
                DestinationRef.Kind.TEMPORARY_QUEUE, "tmp.1")));
        TemporaryQueue replyTo = assertInstanceOf(TemporaryQueue.class, roundTrip(m, 1).getJMSReplyTo());
        assertEquals("tmp.1", replyTo.getQueueName());
    }

    @Test
    void textThatUtf8CannotCarryIsAFormatError() {
        KeelTextMessage m = new KeelTextMessage("broken \uD800 surrogate");
        assertThrows(MessageFormatException.class, () -> WireConverter.toWire(m));
    }

    @Test
    void anUnreadableBodyIsAFormatError() {
        WireMessage w = new WireMessage();
        w.setBody(BodyType.MAP, new byte[] {0, 0, 0, 5});
        assertThrows(MessageFormatException.class, () -> WireConverter.fromWire(w, 1));
    }
}
