package io.keelmq.jms.message;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelMessagesTest {

    /** Another provider's message: only the Jakarta interface is visible, the implementation is not ours. */
    private static <T extends Message> T foreign(Class<T> type, KeelMessage delegate) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (p, method, args) -> {
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        return type.cast(proxy);
    }

    @Test
    void createGivesAnEmptyMessageOfEachType() {
        for (BodyType type : BodyType.values()) {
            KeelMessage m = KeelMessages.create(type);
            assertEquals(type, m.bodyType());
            assertFalse(m.isReadOnlyBody());
        }
    }

    @Test
    void aKeelMessageIsCopied() throws JMSException {
        KeelTextMessage original = new KeelTextMessage("t");
        KeelMessage copy = KeelMessages.copyOf(original);
        assertNotSame(original, copy);
        assertEquals("t", ((KeelTextMessage) copy).getText());
    }

    @Test
    void aForeignMessageKeepsHeadersAndPropertiesButNotItsDeliveryCount() throws JMSException {
        KeelTextMessage inner = new KeelTextMessage("hello");
        inner.setJMSType("type");
        inner.setJMSCorrelationID("corr");
        inner.setJMSPriority(6);
        inner.setStringProperty("JMSXGroupID", "g");
        inner.setIntProperty("n", 3);
        inner.onReceive(4);

        KeelMessage copy = KeelMessages.copyOf(foreign(TextMessage.class, inner));
        assertInstanceOf(KeelTextMessage.class, copy);
        assertEquals("hello", ((KeelTextMessage) copy).getText());
        assertEquals("type", copy.getJMSType());
        assertEquals("corr", copy.getJMSCorrelationID());
        assertEquals(6, copy.getJMSPriority());
        assertTrue(copy.getJMSRedelivered());
        assertEquals(Map.of("JMSXGroupID", "g", "n", 3), copy.getPropertyMap());
        assertEquals(0, copy.getDeliveryCount());
        assertFalse(copy.isReadOnlyProperties(), "the copy is writable like a new message");
    }

    @Test
    void foreignBodiesOfEveryType() throws JMSException {
        KeelBytesMessage bytes = new KeelBytesMessage();
        bytes.writeBytes(new byte[]{1, 2, 3});
        KeelMessage bytesCopy = KeelMessages.copyOf(foreign(BytesMessage.class, bytes));
        assertArrayEquals(new byte[]{1, 2, 3}, ((KeelBytesMessage) bytesCopy).getBodyBytes());
        assertFalse(bytesCopy.isReadOnlyBody());

        KeelMapMessage map = new KeelMapMessage();
        map.setInt("i", 1);
        map.setBytes("b", new byte[]{4});
        KeelMapMessage mapCopy = (KeelMapMessage) KeelMessages.copyOf(foreign(MapMessage.class, map));
        assertEquals(1, mapCopy.getInt("i"));
        assertArrayEquals(new byte[]{4}, mapCopy.getBytes("b"));

        KeelObjectMessage object = new KeelObjectMessage();
        object.setObject(new java.util.ArrayList<>(List.of("x")));
        KeelMessage objectCopy = KeelMessages.copyOf(foreign(ObjectMessage.class, object));
        assertEquals(List.of("x"), ((KeelObjectMessage) objectCopy).getObject());

        KeelStreamMessage stream = new KeelStreamMessage();
        stream.writeInt(1);
        stream.writeObject(null);
        stream.writeBytes(new byte[]{5});
        KeelStreamMessage streamCopy = (KeelStreamMessage) KeelMessages.copyOf(foreign(StreamMessage.class, stream));
        List<Object> fields = streamCopy.getBodyList();
        assertEquals(Arrays.asList(1, null), fields.subList(0, 2));
        assertArrayEquals(new byte[]{5}, (byte[]) fields.get(2));

        KeelMessage plain = KeelMessages.copyOf(foreign(Message.class, new KeelMessage()));
        assertEquals(BodyType.NONE, plain.bodyType());
    }
}
