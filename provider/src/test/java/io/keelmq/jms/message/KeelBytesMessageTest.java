package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelBytesMessageTest {

    @Test
    void everyTypeRoundTripsInTheDataOutputStreamEncoding() throws JMSException, IOException {
        KeelBytesMessage m = new KeelBytesMessage();
        m.writeBoolean(true);
        m.writeBoolean(false);
        m.writeByte((byte) -2);
        m.writeShort((short) -12345);
        m.writeChar('\u20AC');
        m.writeInt(Integer.MIN_VALUE);
        m.writeLong(0x0102030405060708L);
        m.writeFloat(-3.5f);
        m.writeDouble(Math.PI);
        m.writeUTF("héllo \u20AC \0");
        m.writeBytes(new byte[]{9, 8, 7});
        m.writeBytes(new byte[]{0, 1, 2, 3, 4}, 1, 3);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(expected);
        out.writeBoolean(true);
        out.writeBoolean(false);
        out.writeByte(-2);
        out.writeShort(-12345);
        out.writeChar('\u20AC');
        out.writeInt(Integer.MIN_VALUE);
        out.writeLong(0x0102030405060708L);
        out.writeFloat(-3.5f);
        out.writeDouble(Math.PI);
        out.writeUTF("héllo \u20AC \0");
        out.write(new byte[]{9, 8, 7});
        out.write(new byte[]{1, 2, 3});
        assertArrayEquals(expected.toByteArray(), m.getBodyBytes());

        m.reset();
        assertEquals(expected.size(), m.getBodyLength());
        assertTrue(m.readBoolean());
        assertFalse(m.readBoolean());
        assertEquals((byte) -2, m.readByte());
        assertEquals((short) -12345, m.readShort());
        assertEquals('\u20AC', m.readChar());
        assertEquals(Integer.MIN_VALUE, m.readInt());
        assertEquals(0x0102030405060708L, m.readLong());
        assertEquals(-3.5f, m.readFloat());
        assertEquals(Math.PI, m.readDouble());
        assertEquals("héllo \u20AC \0", m.readUTF());
        byte[] rest = new byte[6];
        assertEquals(6, m.readBytes(rest));
        assertArrayEquals(new byte[]{9, 8, 7, 1, 2, 3}, rest);
        assertEquals(-1, m.readBytes(rest));
        assertEquals(expected.size(), m.getBodyLength(), "the length does not depend on the position");
    }

    @Test
    void unsignedReadsSeeTheSameBytes() throws JMSException {
        KeelBytesMessage m = new KeelBytesMessage();
        m.writeByte((byte) -1);
        m.writeShort((short) -1);
        m.reset();
        assertEquals(255, m.readUnsignedByte());
        assertEquals(65535, m.readUnsignedShort());
    }

    @Test
    void writeObjectWritesAsTheTypedMethodWould() throws JMSException {
        List<Object> values = List.of(true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d, "seven", new byte[]{8});
        KeelBytesMessage typed = new KeelBytesMessage();
        typed.writeBoolean(true);
        typed.writeByte((byte) 1);
        typed.writeShort((short) 2);
        typed.writeChar('c');
        typed.writeInt(3);
        typed.writeLong(4L);
        typed.writeFloat(5f);
        typed.writeDouble(6d);
        typed.writeUTF("seven");
        typed.writeBytes(new byte[]{8});
        KeelBytesMessage objects = new KeelBytesMessage();
        for (Object value : values) {
            objects.writeObject(value);
        }
        assertArrayEquals(typed.getBodyBytes(), objects.getBodyBytes());
    }

    @Test
    void writeObjectRefusesOtherTypesAndNull() throws JMSException {
        KeelBytesMessage m = new KeelBytesMessage();
        assertThrows(MessageFormatException.class, () -> m.writeObject(new Object()));
        assertThrows(MessageFormatException.class, () -> m.writeObject(new int[]{1}));
        assertThrows(NullPointerException.class, () -> m.writeObject(null));
        assertThrows(NullPointerException.class, () -> m.writeUTF(null));
        assertThrows(NullPointerException.class, () -> m.writeBytes(null));
        assertThrows(IndexOutOfBoundsException.class, () -> m.writeBytes(new byte[3], 2, 2));
        m.reset();
        assertEquals(0, m.getBodyLength(), "failed writes left nothing behind");
    }

    @Test
    void readBytesFillsThenReturnsTheRemainderThenMinusOne() throws JMSException {
        KeelBytesMessage m = KeelBytesMessage.fromBody(new byte[]{1, 2, 3, 4, 5});
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[]{1, 2}, buffer);
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[]{3, 4}, buffer);
        assertEquals(1, m.readBytes(buffer));
        assertEquals(5, buffer[0]);
        assertEquals(-1, m.readBytes(buffer));
        assertEquals(-1, m.readBytes(new byte[0]));
    }

    @Test
    void readBytesWithLengthReadsAtMostLength() throws JMSException {
        KeelBytesMessage m = KeelBytesMessage.fromBody(new byte[]{1, 2, 3, 4});
        byte[] buffer = new byte[4];
        assertEquals(3, m.readBytes(buffer, 3));
        assertArrayEquals(new byte[]{1, 2, 3, 0}, buffer);
        assertEquals(0, m.readBytes(buffer, 0), "a zero-length read reads nothing before the end");
        assertThrows(IndexOutOfBoundsException.class, () -> m.readBytes(buffer, 5));
        assertThrows(IndexOutOfBoundsException.class, () -> m.readBytes(buffer, -1));
        assertEquals(1, m.readBytes(buffer, 4), "the refused reads consumed nothing");
        assertEquals(4, buffer[0]);
        assertEquals(-1, m.readBytes(buffer, 4));
    }

    @Test
    void aShortReadThrowsEofAndKeepsThePosition() throws JMSException {
        KeelBytesMessage m = new KeelBytesMessage();
        m.writeShort((short) 77);
        m.reset();
        assertThrows(MessageEOFException.class, m::readInt);
        assertThrows(MessageEOFException.class, m::readLong);
        assertThrows(MessageEOFException.class, m::readDouble);
        assertEquals((short) 77, m.readShort());
        assertThrows(MessageEOFException.class, m::readByte);
        assertThrows(MessageEOFException.class, m::readBoolean);
        assertThrows(MessageEOFException.class, m::readUTF);
    }

    @Test
    void aMalformedUtfStringIsAFormatErrorAndKeepsThePosition() throws JMSException {
        KeelBytesMessage m = KeelBytesMessage.fromBody(new byte[]{0, 2, (byte) 0xFF, (byte) 0xFF});
        assertThrows(MessageFormatException.class, m::readUTF);
        assertEquals((short) 2, m.readShort());

        KeelBytesMessage truncated = KeelBytesMessage.fromBody(new byte[]{0, 5, 'a'});
        assertThrows(MessageEOFException.class, truncated::readUTF);
        assertEquals((short) 5, truncated.readShort());
    }

    @Test
    void aNewBodyIsWriteOnlyAndResetMakesItReadOnly() throws JMSException {
        KeelBytesMessage m = new KeelBytesMessage();
        m.writeInt(5);
        assertThrows(MessageNotReadableException.class, m::readInt);
        assertThrows(MessageNotReadableException.class, m::getBodyLength);
        assertThrows(MessageNotReadableException.class, () -> m.readBytes(new byte[1]));
        m.reset();
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(6));
        assertThrows(MessageNotWriteableException.class, () -> m.writeObject("x"));
        assertEquals(5, m.readInt());
        m.reset();
        assertEquals(5, m.readInt(), "reset rewinds");
    }

    @Test
    void clearBodyEmptiesAndMakesWriteOnly() throws JMSException {
        KeelBytesMessage m = KeelBytesMessage.fromBody(new byte[]{1, 2});
        m.onReceive(1);
        assertThrows(MessageNotWriteableException.class, () -> m.writeByte((byte) 1));
        m.clearBody();
        assertThrows(MessageNotReadableException.class, m::readByte);
        m.writeByte((byte) 3);
        m.reset();
        assertEquals(1, m.getBodyLength());
        assertEquals(3, m.readByte());
    }

    @Test
    void onReceiveAndOnSendPositionTheBodyForReading() throws JMSException {
        KeelBytesMessage sent = new KeelBytesMessage();
        sent.writeInt(42);
        sent.onSend();
        assertEquals(42, sent.readInt(), "a CompletionListener can read without reset");

        KeelBytesMessage received = new KeelBytesMessage();
        received.writeInt(43);
        received.onReceive(1);
        assertEquals(43, received.readInt());
    }

    @Test
    void getBodyReturnsTheBytesAndResets() throws JMSException {
        KeelBytesMessage m = new KeelBytesMessage();
        m.writeBytes(new byte[]{4, 5, 6});
        assertTrue(m.isBodyAssignableTo(byte[].class));
        assertTrue(m.isBodyAssignableTo(Object.class));
        assertFalse(m.isBodyAssignableTo(String.class));
        assertArrayEquals(new byte[]{4, 5, 6}, m.getBody(byte[].class));
        assertArrayEquals(new byte[]{4, 5, 6}, (byte[]) m.getBody(Object.class));
        assertTrue(m.isReadOnlyBody(), "getBody resets the message");
        assertEquals(4, m.readByte());
        m.getBody(byte[].class)[0] = 0;
        assertArrayEquals(new byte[]{4, 5, 6}, m.getBodyBytes(), "getBody returns a copy");
        assertEquals(4, m.readByte(), "getBody repositioned at the start");
        assertThrows(MessageFormatException.class, () -> m.getBody(String.class));
        assertThrows(MessageFormatException.class, () -> m.getBody(Serializable[].class));
    }

    @Test
    void anEmptyBodyIsNoBody() throws JMSException {
        KeelBytesMessage m = new KeelBytesMessage();
        assertTrue(m.isBodyAssignableTo(String.class));
        assertNull(m.getBody(String.class));
        assertNull(m.getBody(byte[].class));
    }

    @Test
    void transportFormsAndCopiesAreIndependent() throws JMSException {
        byte[] wire = {1, 2, 3};
        KeelBytesMessage m = KeelBytesMessage.fromBody(wire);
        wire[0] = 9;
        assertEquals(BodyType.BYTES, m.bodyType());
        assertEquals(3, m.getBodyLength());
        assertEquals(1, m.readByte());

        KeelBytesMessage copy = m.copy();
        assertEquals(2, copy.readByte(), "the copy keeps the read position");
        copy.clearBody();
        copy.writeByte((byte) 7);
        assertArrayEquals(new byte[]{1, 2, 3}, m.getBodyBytes());
        assertArrayEquals(new byte[]{7}, copy.getBodyBytes());
        assertEquals(2, m.readByte());
    }
}
