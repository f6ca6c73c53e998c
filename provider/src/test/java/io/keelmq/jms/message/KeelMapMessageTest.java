package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotWriteableException;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelMapMessageTest {

    @Test
    void namesAndExistence() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        m.setInt("a", 1);
        m.setString("b", null);
        m.setObject("c", 'z');
        Set<String> names = new HashSet<>(Collections.list(m.getMapNames()));
        assertEquals(Set.of("a", "b", "c"), names);
        assertTrue(m.itemExists("b"), "an entry set to null exists");
        assertFalse(m.itemExists("d"));
        assertNull(m.getString("b"));
        assertEquals('z', m.getChar("c"));
    }

    @Test
    void nullOrEmptyNamesAreRejected() {
        KeelMapMessage m = new KeelMapMessage();
        assertThrows(IllegalArgumentException.class, () -> m.setInt(null, 1));
        assertThrows(IllegalArgumentException.class, () -> m.setString("", "x"));
        assertThrows(IllegalArgumentException.class, () -> m.setBytes(null, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> m.setObject("", 1));
        assertFalse(m.getMapNames().hasMoreElements());
    }

    @Test
    void mapNamesNeedNotBeIdentifiers() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        m.setInt("not an identifier", 1);
        m.setInt("NULL", 2);
        assertEquals(1, m.getInt("not an identifier"));
        assertEquals(2, m.getInt("NULL"));
    }

    @Test
    void bytesAreCopiedInAndOut() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        byte[] source = {0, 1, 2, 3, 4};
        m.setBytes("all", source);
        m.setBytes("part", source, 1, 3);
        m.setObject("object", source);
        source[1] = 99;
        assertArrayEquals(new byte[]{0, 1, 2, 3, 4}, m.getBytes("all"));
        assertArrayEquals(new byte[]{1, 2, 3}, m.getBytes("part"));
        assertArrayEquals(new byte[]{0, 1, 2, 3, 4}, (byte[]) m.getObject("object"));
        m.getBytes("all")[0] = 42;
        ((byte[]) m.getObject("all"))[0] = 42;
        assertArrayEquals(new byte[]{0, 1, 2, 3, 4}, m.getBytes("all"));
        assertThrows(IndexOutOfBoundsException.class, () -> m.setBytes("bad", source, 3, 5));
        assertFalse(m.itemExists("bad"));
    }

    @Test
    void setObjectRefusesOtherTypes() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        assertThrows(MessageFormatException.class, () -> m.setObject("x", new Object()));
        assertThrows(MessageFormatException.class, () -> m.setObject("x", List.of(1)));
        m.setObject("x", null);
        assertTrue(m.itemExists("x"));
        assertNull(m.getObject("x"));
    }

    @Test
    void aReceivedBodyIsReadOnlyUntilCleared() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        m.setInt("a", 1);
        m.onReceive(1);
        assertThrows(MessageNotWriteableException.class, () -> m.setInt("b", 2));
        assertThrows(MessageNotWriteableException.class, () -> m.setBytes("b", new byte[1], 0, 1));
        assertThrows(MessageNotWriteableException.class, () -> m.setObject("b", 2));
        assertEquals(1, m.getInt("a"), "still readable");
        m.clearBody();
        assertFalse(m.itemExists("a"));
        m.setInt("b", 2);
        assertEquals(2, m.getInt("b"));
    }

    @Test
    void getBodyReturnsTheEntriesAsAMap() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        m.setInt("i", 1);
        m.setBytes("b", new byte[]{7});
        assertTrue(m.isBodyAssignableTo(Map.class));
        assertTrue(m.isBodyAssignableTo(Object.class));
        assertFalse(m.isBodyAssignableTo(HashMap.class));
        assertFalse(m.isBodyAssignableTo(String.class));

        Map<?, ?> body = m.getBody(Map.class);
        assertEquals(1, body.get("i"));
        assertArrayEquals(new byte[]{7}, (byte[]) body.get("b"));
        ((byte[]) body.get("b"))[0] = 0;
        assertArrayEquals(new byte[]{7}, m.getBytes("b"), "getBody returns a copy");
        assertEquals(2, ((Map<?, ?>) m.getBody(Object.class)).size());
        assertThrows(MessageFormatException.class, () -> m.getBody(LinkedHashMap.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(String.class));
    }

    @Test
    void anEmptyMapIsNoBody() throws JMSException {
        KeelMapMessage m = new KeelMapMessage();
        assertTrue(m.isBodyAssignableTo(String.class));
        assertNull(m.getBody(String.class));
        assertNull(m.getBody(Map.class));
    }

    @Test
    void transportFormsAndCopies() throws JMSException {
        Map<String, Object> wire = new LinkedHashMap<>();
        wire.put("n", 5L);
        wire.put("bytes", new byte[]{1});
        KeelMapMessage m = KeelMapMessage.fromBody(wire);
        ((byte[]) wire.get("bytes"))[0] = 9;
        assertEquals(BodyType.MAP, m.bodyType());
        assertEquals(5L, m.getLong("n"));
        assertArrayEquals(new byte[]{1}, m.getBytes("bytes"));

        KeelMapMessage copy = m.copy();
        copy.setInt("extra", 1);
        assertFalse(m.itemExists("extra"));
        assertEquals(List.of("n", "bytes"), List.copyOf(m.getBodyMap().keySet()));

        assertThrows(MessageFormatException.class, () -> KeelMapMessage.fromBody(Map.of("x", new Object())));
        assertThrows(IllegalArgumentException.class, () -> KeelMapMessage.fromBody(Map.of("", 1)));
    }
}
