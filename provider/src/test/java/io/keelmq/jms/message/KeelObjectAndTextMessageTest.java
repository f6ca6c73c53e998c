package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelObjectAndTextMessageTest {

    /** Serializable itself, but holding a field that is not. */
    static final class Holder implements Serializable {
        final Object content;

        Holder(Object content) {
            this.content = content;
        }
    }

    @Test
    void theBodyIsASnapshotTakenAtSetObject() throws JMSException {
        ArrayList<String> list = new ArrayList<>(List.of("a"));
        KeelObjectMessage m = new KeelObjectMessage();
        m.setObject(list);
        list.add("b");
        assertEquals(List.of("a"), m.getObject());

        @SuppressWarnings("unchecked")
        ArrayList<String> read = (ArrayList<String>) m.getObject();
        read.add("c");
        assertEquals(List.of("a"), m.getObject(), "each read is a new instance");
        assertNotSame(m.getObject(), m.getObject());
    }

    @Test
    void anUnserializableGraphIsAFormatError() throws JMSException {
        KeelObjectMessage m = new KeelObjectMessage();
        m.setObject("before");
        MessageFormatException e =
                assertThrows(MessageFormatException.class, () -> m.setObject(new Holder(new Object())));
        assertInstanceOf(IOException.class, e.getLinkedException());
        assertEquals("before", m.getObject(), "a failed set leaves the body alone");
    }

    @Test
    void anUndeserializableBodyIsAFormatErrorAndAssignableToNothing() {
        KeelObjectMessage m = KeelObjectMessage.fromSerialized(new byte[]{1, 2, 3});
        assertThrows(MessageFormatException.class, m::getObject);
        assertThrows(MessageFormatException.class, () -> m.getBody(Object.class));
        assertFalse(m.isBodyAssignableTo(Object.class));
    }

    @Test
    void getBodyChecksTheClassOfTheObject() throws JMSException {
        KeelObjectMessage m = new KeelObjectMessage();
        m.setObject(new ArrayList<>(List.of(1)));
        assertTrue(m.isBodyAssignableTo(Serializable.class));
        assertTrue(m.isBodyAssignableTo(Collection.class));
        assertTrue(m.isBodyAssignableTo(ArrayList.class));
        assertFalse(m.isBodyAssignableTo(String.class));
        assertEquals(List.of(1), m.getBody(Collection.class));
        assertEquals(List.of(1), m.getBody(Serializable.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(String.class));
    }

    @Test
    void aNullObjectIsNoBody() throws JMSException {
        KeelObjectMessage m = new KeelObjectMessage();
        assertNull(m.getObject());
        assertTrue(m.isBodyAssignableTo(String.class));
        assertNull(m.getBody(String.class));
        m.setObject("x");
        m.setObject(null);
        assertNull(m.getSerializedBody());
    }

    @Test
    void theSerializedFormIsStandardJavaSerialization() throws Exception {
        KeelObjectMessage m = new KeelObjectMessage();
        m.setObject(12345L);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(m.getSerializedBody()))) {
            assertEquals(12345L, in.readObject());
        }
        KeelObjectMessage decoded = KeelObjectMessage.fromSerialized(m.getSerializedBody());
        assertEquals(12345L, decoded.getObject());
        assertEquals(BodyType.OBJECT, decoded.bodyType());
    }

    @Test
    void objectBodyStates() throws JMSException {
        KeelObjectMessage m = new KeelObjectMessage();
        m.setObject("x");
        KeelObjectMessage copy = m.copy();
        m.onReceive(1);
        assertThrows(MessageNotWriteableException.class, () -> m.setObject("y"));
        assertEquals("x", m.getObject());
        m.clearBody();
        assertNull(m.getObject());
        m.setObject("z");
        assertEquals("z", m.getObject());
        assertEquals("x", copy.getObject(), "the copy is independent");
    }

    @Test
    void textMessage() throws JMSException {
        KeelTextMessage m = new KeelTextMessage();
        assertNull(m.getText());
        assertTrue(m.isBodyAssignableTo(Integer.class), "no body");
        assertNull(m.getBody(Integer.class));

        m.setText("hello");
        assertEquals("hello", m.getText());
        assertTrue(m.isBodyAssignableTo(String.class));
        assertTrue(m.isBodyAssignableTo(CharSequence.class));
        assertFalse(m.isBodyAssignableTo(Integer.class));
        assertEquals("hello", m.getBody(CharSequence.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(Integer.class));

        KeelTextMessage copy = m.copy();
        m.onReceive(1);
        assertThrows(MessageNotWriteableException.class, () -> m.setText("no"));
        m.clearBody();
        assertNull(m.getText());
        m.setText(null);
        m.setText("again");
        assertEquals("again", m.getText());
        assertEquals("hello", copy.getText());
        assertEquals(BodyType.TEXT, new KeelTextMessage("wire").bodyType());
        assertEquals("wire", new KeelTextMessage("wire").getText());
    }
}
