package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.StreamMessage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A sequence of typed fields (the boxed primitives, char, String, byte[] or null), read back in order with the
 * conversions of spec table 3-7 ({@link TypeConversions}).
 * <p>
 * The body is write-only until {@link #reset()} and read-only after it. A read that throws MessageFormatException,
 * NumberFormatException or NullPointerException leaves the position on the same field (spec 3.11.3), so the client
 * can read it again as another type.
 */
public class KeelStreamMessage extends KeelMessage implements StreamMessage {

    private ArrayList<Object> fields = new ArrayList<>();
    /** Index of the next field to read. */
    private int index;
    /**
     * While a byte[] field is being read in chunks by {@link #readBytes(byte[])}, how many of its bytes were read;
     * -1 otherwise. The field at {@link #index} is then the one in progress.
     */
    private int bytesRead = -1;

    public KeelStreamMessage() {
    }

    protected KeelStreamMessage(KeelStreamMessage other) {
        super(other);
        this.fields = copyFields(other.fields);
        this.index = other.index;
        this.bytesRead = other.bytesRead;
    }

    /**
     * A message holding {@code body}'s values (byte[] copied), as decoded from the transport, reset and ready to be
     * read.
     *
     * @throws MessageFormatException if a value is not a StreamMessage type
     */
    public static KeelStreamMessage fromBody(List<?> body) throws MessageFormatException {
        for (Object value : body) {
            requireBodyValue(value);
        }
        KeelStreamMessage message = new KeelStreamMessage();
        message.fields = copyFields(body);
        message.reset();
        return message;
    }

    /** Every field in order (byte[] copied), in any mode and whatever the read position: the body for the transport. */
    public List<Object> getBodyList() {
        return copyFields(fields);
    }

    @Override
    public KeelStreamMessage copy() {
        return new KeelStreamMessage(this);
    }

    @Override
    public BodyType bodyType() {
        return BodyType.STREAM;
    }

    @Override
    public void onSend() {
        reset();
    }

    /** Read-only means reset for reading from the first field; writable means write-only, appending. */
    @Override
    public void setReadOnlyBody(boolean readOnly) {
        if (readOnly) {
            reset();
        } else {
            setReadOnlyBodyFlag(false);
        }
    }

    @Override
    public void reset() {
        setReadOnlyBodyFlag(true);
        index = 0;
        bytesRead = -1;
    }

    @Override
    protected void clearBodyContent() {
        fields = new ArrayList<>();
        index = 0;
        bytesRead = -1;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public boolean readBoolean() throws JMSException {
        boolean value = TypeConversions.toBoolean(nextField());
        index++;
        return value;
    }

    @Override
    public byte readByte() throws JMSException {
        byte value = TypeConversions.toByte(nextField());
        index++;
        return value;
    }

    @Override
    public short readShort() throws JMSException {
        short value = TypeConversions.toShort(nextField());
        index++;
        return value;
    }

    @Override
    public char readChar() throws JMSException {
        char value = TypeConversions.toChar(nextField());
        index++;
        return value;
    }

    @Override
    public int readInt() throws JMSException {
        int value = TypeConversions.toInt(nextField());
        index++;
        return value;
    }

    @Override
    public long readLong() throws JMSException {
        long value = TypeConversions.toLong(nextField());
        index++;
        return value;
    }

    @Override
    public float readFloat() throws JMSException {
        float value = TypeConversions.toFloat(nextField());
        index++;
        return value;
    }

    @Override
    public double readDouble() throws JMSException {
        double value = TypeConversions.toDouble(nextField());
        index++;
        return value;
    }

    @Override
    public String readString() throws JMSException {
        String value = TypeConversions.toText(nextField());
        index++;
        return value;
    }

    /** Boxed primitives, String, null, or a new copy of a byte[] field. */
    @Override
    public Object readObject() throws JMSException {
        Object value = TypeConversions.copyOf(nextField());
        index++;
        return value;
    }

    /**
     * Reads a byte[] field in chunks: each call fills as much of {@code value} as remains; a call returning less than
     * {@code value.length} ends the field, and after a call that filled the buffer exactly the next call returns -1.
     * A null field returns -1 and an empty one 0, both ending the field.
     */
    @Override
    public int readBytes(byte[] value) throws JMSException {
        checkBodyReadable();
        if (bytesRead < 0) {
            Object field = fieldAtIndex();
            if (field == null) {
                index++;
                return -1;
            }
            if (!(field instanceof byte[] bytes)) {
                throw new MessageFormatException("a " + TypeConversions.typeName(field)
                        + " field cannot be read as byte[]");
            }
            if (bytes.length == 0) {
                index++;
                return 0;
            }
            bytesRead = 0;
        }
        byte[] bytes = (byte[]) fields.get(index);
        int remaining = bytes.length - bytesRead;
        if (remaining == 0) {
            endBytesField();
            return -1;
        }
        int n = Math.min(value.length, remaining);
        System.arraycopy(bytes, bytesRead, value, 0, n);
        bytesRead += n;
        if (n < value.length) {
            endBytesField();
        }
        return n;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        append(value);
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        append(value);
    }

    @Override
    public void writeShort(short value) throws JMSException {
        append(value);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        append(value);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        append(value);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        append(value);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        append(value);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        append(value);
    }

    @Override
    public void writeString(String value) throws JMSException {
        append(value);
    }

    /** Writes a copy; null writes a null field (spec 3.12 allows null input objects). */
    @Override
    public void writeBytes(byte[] value) throws JMSException {
        append(TypeConversions.copyOf(value));
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        Objects.checkFromIndexSize(offset, length, value.length);
        append(Arrays.copyOfRange(value, offset, offset + length));
    }

    @Override
    public void writeObject(Object value) throws JMSException {
        requireBodyValue(value);
        append(TypeConversions.copyOf(value));
    }

    // ---------------------------------------------------------------- getBody

    /** A StreamMessage body cannot be returned as an object (Message javadoc), so this always fails. */
    @Override
    public <T> T getBody(Class<T> c) throws MessageFormatException {
        throw new MessageFormatException("the body of a StreamMessage cannot be read with getBody");
    }

    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) {
        return false;
    }

    // ---------------------------------------------------------------- internals

    /**
     * The field a typed read converts, without moving past it. A byte[] field that readBytes has consumed completely
     * is skipped first; one still being read must be finished first (StreamMessage.readBytes javadoc).
     */
    private Object nextField() throws JMSException {
        checkBodyReadable();
        if (bytesRead >= 0) {
            if (bytesRead < ((byte[]) fields.get(index)).length) {
                throw new MessageFormatException("the byte[] field being read with readBytes must be read to its end"
                        + " before the next field");
            }
            endBytesField();
        }
        return fieldAtIndex();
    }

    private Object fieldAtIndex() throws MessageEOFException {
        if (index >= fields.size()) {
            throw new MessageEOFException("end of the stream message: all " + fields.size() + " fields were read");
        }
        return fields.get(index);
    }

    private void endBytesField() {
        bytesRead = -1;
        index++;
    }

    private void append(Object value) throws JMSException {
        checkBodyWritable();
        fields.add(value);
    }

    private static void requireBodyValue(Object value) throws MessageFormatException {
        if (!TypeConversions.isBodyValue(value)) {
            throw new MessageFormatException("a StreamMessage cannot hold a " + TypeConversions.typeName(value));
        }
    }

    private static ArrayList<Object> copyFields(List<?> source) {
        ArrayList<Object> copy = new ArrayList<>(source.size());
        for (Object value : source) {
            copy.add(TypeConversions.copyOf(value));
        }
        return copy;
    }
}
