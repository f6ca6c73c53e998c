package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelStreamMessageTest {

    @Test
    void readBytesReadsAFieldInChunks() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeBytes(new byte[]{1, 2, 3, 4, 5});
        m.writeInt(9);
        m.reset();
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[]{1, 2}, buffer);
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[]{3, 4}, buffer);
        assertEquals(1, m.readBytes(buffer), "fewer than the buffer holds ends the field");
        assertEquals(5, buffer[0]);
        assertEquals(9, m.readInt());
    }

    @Test
    void aBufferFilledExactlyIsFollowedByMinusOne() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeBytes(new byte[]{1, 2});
        m.writeBytes(new byte[]{3, 4});
        m.writeString("after");
        m.reset();
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertEquals(-1, m.readBytes(buffer), "the field is exhausted");
        assertEquals(2, m.readBytes(buffer));
        assertArrayEquals(new byte[]{3, 4}, buffer, "the next call started the next field");
        assertEquals("after", m.readString(), "a fully read field needs no -1 call before the next field");
    }

    @Test
    void nullAndEmptyByteFields() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeBytes(null);
        m.writeBytes(new byte[0]);
        m.writeBoolean(true);
        m.reset();
        assertEquals(-1, m.readBytes(new byte[4]));
        assertEquals(0, m.readBytes(new byte[4]));
        assertTrue(m.readBoolean());
        assertThrows(MessageEOFException.class, () -> m.readBytes(new byte[4]));
    }

    @Test
    void aPartlyReadByteFieldMustBeFinishedFirst() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeBytes(new byte[]{1, 2, 3});
        m.writeInt(7);
        m.reset();
        byte[] buffer = new byte[2];
        assertEquals(2, m.readBytes(buffer));
        assertThrows(MessageFormatException.class, m::readInt);
        assertThrows(MessageFormatException.class, m::readObject);
        assertEquals(1, m.readBytes(buffer), "the refused reads did not move");
        assertEquals(3, buffer[0]);
        assertEquals(7, m.readInt());
    }

    @Test
    void readBytesOfAnotherTypeKeepsThePosition() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeString("text");
        m.reset();
        assertThrows(MessageFormatException.class, () -> m.readBytes(new byte[4]));
        assertEquals("text", m.readString());
    }

    @Test
    void everyReadThrowsEofAtTheEnd() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeLong(1L);
        m.reset();
        assertEquals(1L, m.readLong());
        List<ThrowingRead> reads = List.of(m::readBoolean, m::readByte, m::readShort, m::readChar, m::readInt,
                m::readLong, m::readFloat, m::readDouble, m::readString, m::readObject, () -> m.readBytes(new byte[1]));
        for (ThrowingRead read : reads) {
            assertThrows(MessageEOFException.class, read::read);
        }
    }

    interface ThrowingRead {
        Object read() throws JMSException;
    }

    @Test
    void readObjectReturnsTheWrittenTypesAndCopiesArrays() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        List<Object> values = Arrays.asList(true, (byte) 1, (short) 2, 'c', 3, 4L, 5f, 6d, "seven", null);
        for (Object value : values) {
            m.writeObject(value);
        }
        byte[] array = {8, 9};
        m.writeObject(array);
        array[0] = 0;
        m.reset();
        List<Object> read = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            read.add(m.readObject());
        }
        assertEquals(values, read);
        byte[] first = (byte[]) m.readObject();
        assertArrayEquals(new byte[]{8, 9}, first, "written as a copy");
        first[1] = 0;
        m.reset();
        assertArrayEquals(new byte[]{8, 9}, (byte[]) m.getBodyList().get(values.size()), "read as a copy");
    }

    @Test
    void writeObjectRefusesOtherTypes() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        assertThrows(MessageFormatException.class, () -> m.writeObject(new Object()));
        assertThrows(MessageFormatException.class, () -> m.writeObject(new Byte[]{1}));
        assertEquals(List.of(), m.getBodyList());
    }

    @Test
    void writeBytesWithOffsetWritesThatPortion() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        byte[] source = {0, 1, 2, 3, 4};
        m.writeBytes(source, 1, 3);
        source[2] = 99;
        assertThrows(IndexOutOfBoundsException.class, () -> m.writeBytes(source, 4, 2));
        m.reset();
        assertArrayEquals(new byte[]{1, 2, 3}, (byte[]) m.readObject());
        assertThrows(MessageEOFException.class, m::readObject);
    }

    @Test
    void writeOnlyUntilResetAndReadOnlyAfter() throws JMSException {
        KeelStreamMessage m = new KeelStreamMessage();
        m.writeInt(1);
        assertThrows(MessageNotReadableException.class, m::readInt);
        assertThrows(MessageNotReadableException.class, () -> m.readBytes(new byte[1]));
        m.reset();
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(2));
        assertThrows(MessageNotWriteableException.class, () -> m.writeObject(2));
        assertEquals(1, m.readInt());
        m.reset();
        assertEquals(1, m.readInt(), "reset rewinds");
    }

    @Test
    void clearBodyEmptiesAndMakesWriteOnly() throws JMSException {
        KeelStreamMessage m = KeelStreamMessage.fromBody(List.of(1, "two"));
        m.onReceive(1);
        assertEquals(1, m.readInt());
        assertThrows(MessageNotWriteableException.class, () -> m.writeInt(3));
        m.clearBody();
        assertThrows(MessageNotReadableException.class, m::readObject);
        m.writeInt(3);
        m.reset();
        assertEquals(3, m.readInt());
        assertThrows(MessageEOFException.class, m::readObject);
    }

    @Test
    void theBodyIsNeverAvailableThroughGetBody() throws JMSException {
        KeelStreamMessage empty = new KeelStreamMessage();
        assertFalse(empty.isBodyAssignableTo(Object.class));
        assertThrows(MessageFormatException.class, () -> empty.getBody(Object.class));
        KeelStreamMessage full = KeelStreamMessage.fromBody(List.of("x"));
        assertFalse(full.isBodyAssignableTo(List.class));
        assertThrows(MessageFormatException.class, () -> full.getBody(List.class));
    }

    @Test
    void transportFormsAndCopies() throws JMSException {
        List<Object> body = Arrays.asList(1, null, "s", new byte[]{5});
        KeelStreamMessage m = KeelStreamMessage.fromBody(body);
        assertEquals(BodyType.STREAM, m.bodyType());
        assertEquals(1, m.readInt(), "fromBody is ready to read");
        assertNull(m.readString());

        KeelStreamMessage copy = m.copy();
        assertEquals("s", copy.readString(), "the copy keeps the position");
        copy.clearBody();
        copy.writeInt(2);
        assertEquals(4, m.getBodyList().size());
        assertEquals("s", m.readString());

        assertThrows(MessageFormatException.class, () -> KeelStreamMessage.fromBody(List.of(new Object())));
        m.onSend();
        assertEquals(1, m.readInt(), "onSend resets for a CompletionListener");
    }
}
