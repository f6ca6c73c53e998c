package io.keelmq.jms.message;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MessageEOFException;
import jakarta.jms.MessageFormatException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A stream of uninterpreted bytes in the encodings of {@link java.io.DataOutputStream} (big-endian, modified UTF-8).
 * <p>
 * The body is write-only until {@link #reset()} and read-only after it (BytesMessage javadoc); in this class
 * "read-only body" and "readable body" are the same state. A read that fails leaves the position where it was (spec
 * 3.11.3), so the client can retry as another type.
 */
public class KeelBytesMessage extends KeelMessage implements BytesMessage {

    private static final byte[] EMPTY = new byte[0];

    private byte[] data = EMPTY;
    private int length;
    /** Next byte to read; meaningful only in read-only mode, writes always append at {@link #length}. */
    private int position;

    public KeelBytesMessage() {
    }

    protected KeelBytesMessage(KeelBytesMessage other) {
        super(other);
        this.data = Arrays.copyOf(other.data, other.length);
        this.length = other.length;
        this.position = other.position;
    }

    /** A message holding a copy of {@code body}, as decoded from the transport, reset and ready to be read. */
    public static KeelBytesMessage fromBody(byte[] body) {
        KeelBytesMessage message = new KeelBytesMessage();
        message.data = body.clone();
        message.length = body.length;
        message.reset();
        return message;
    }

    /** A copy of every byte written, in any mode and whatever the read position: the body for the transport. */
    public byte[] getBodyBytes() {
        return Arrays.copyOf(data, length);
    }

    @Override
    public KeelBytesMessage copy() {
        return new KeelBytesMessage(this);
    }

    @Override
    public BodyType bodyType() {
        return BodyType.BYTES;
    }

    @Override
    public void onSend() {
        reset();
    }

    /** Read-only means reset for reading from the start; writable means write-only, appending to what is there. */
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
        position = 0;
    }

    @Override
    protected void clearBodyContent() {
        data = EMPTY;
        length = 0;
        position = 0;
    }

    @Override
    public long getBodyLength() throws JMSException {
        checkBodyReadable();
        return length;
    }

    // ---------------------------------------------------------------- reads

    @Override
    public boolean readBoolean() throws JMSException {
        int p = claim(1);
        return data[p] != 0;
    }

    @Override
    public byte readByte() throws JMSException {
        int p = claim(1);
        return data[p];
    }

    @Override
    public int readUnsignedByte() throws JMSException {
        int p = claim(1);
        return data[p] & 0xFF;
    }

    @Override
    public short readShort() throws JMSException {
        int p = claim(2);
        return (short) bigEndian(p, 2);
    }

    @Override
    public int readUnsignedShort() throws JMSException {
        int p = claim(2);
        return (int) bigEndian(p, 2);
    }

    @Override
    public char readChar() throws JMSException {
        int p = claim(2);
        return (char) bigEndian(p, 2);
    }

    @Override
    public int readInt() throws JMSException {
        int p = claim(4);
        return (int) bigEndian(p, 4);
    }

    @Override
    public long readLong() throws JMSException {
        int p = claim(8);
        return bigEndian(p, 8);
    }

    @Override
    public float readFloat() throws JMSException {
        int p = claim(4);
        return Float.intBitsToFloat((int) bigEndian(p, 4));
    }

    @Override
    public double readDouble() throws JMSException {
        int p = claim(8);
        return Double.longBitsToDouble(bigEndian(p, 8));
    }

    /** Modified UTF-8 with a two-byte length, exactly what {@link DataInputStream#readUTF()} reads. */
    @Override
    public String readUTF() throws JMSException {
        checkBodyReadable();
        ByteArrayInputStream in = new ByteArrayInputStream(data, position, length - position);
        String value;
        try {
            value = new DataInputStream(in).readUTF();
        } catch (EOFException e) {
            throw withCause(new MessageEOFException("the UTF string runs past the end of the message body"), e);
        } catch (IOException e) {
            throw withCause(new MessageFormatException("the bytes at position " + position
                    + " are not a modified UTF-8 string"), e);
        }
        position = length - in.available();
        return value;
    }

    @Override
    public int readBytes(byte[] value) throws JMSException {
        return readBytes(value, value.length);
    }

    /** Reads up to {@code length} bytes; -1 once the body is exhausted, fewer than asked for at its end. */
    @Override
    public int readBytes(byte[] value, int length) throws JMSException {
        checkBodyReadable();
        if (length < 0 || length > value.length) {
            throw new IndexOutOfBoundsException("length " + length + " is outside 0.." + value.length);
        }
        int remaining = this.length - position;
        if (remaining == 0) {
            return -1;
        }
        int n = Math.min(length, remaining);
        System.arraycopy(data, position, value, 0, n);
        position += n;
        return n;
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void writeBoolean(boolean value) throws JMSException {
        writeByte((byte) (value ? 1 : 0));
    }

    @Override
    public void writeByte(byte value) throws JMSException {
        int p = grow(1);
        data[p] = value;
    }

    @Override
    public void writeShort(short value) throws JMSException {
        writeBigEndian(value, 2);
    }

    @Override
    public void writeChar(char value) throws JMSException {
        writeBigEndian(value, 2);
    }

    @Override
    public void writeInt(int value) throws JMSException {
        writeBigEndian(value, 4);
    }

    @Override
    public void writeLong(long value) throws JMSException {
        writeBigEndian(value, 8);
    }

    @Override
    public void writeFloat(float value) throws JMSException {
        writeBigEndian(Float.floatToIntBits(value), 4);
    }

    @Override
    public void writeDouble(double value) throws JMSException {
        writeBigEndian(Double.doubleToLongBits(value), 8);
    }

    /** @throws NullPointerException for null: a bytes body has no representation of a null (spec 3.12) */
    @Override
    public void writeUTF(String value) throws JMSException {
        Objects.requireNonNull(value, "a BytesMessage cannot hold a null String");
        checkBodyWritable();
        ByteArrayOutputStream encoded = new ByteArrayOutputStream(value.length() + 2);
        try {
            new DataOutputStream(encoded).writeUTF(value);
        } catch (IOException e) {
            // DataOutputStream refuses strings whose encoding exceeds 65535 bytes
            throw withCause(new MessageFormatException("the string is too long for writeUTF"), e);
        }
        writeBytes(encoded.toByteArray());
    }

    @Override
    public void writeBytes(byte[] value) throws JMSException {
        writeBytes(value, 0, value.length);
    }

    @Override
    public void writeBytes(byte[] value, int offset, int length) throws JMSException {
        Objects.checkFromIndexSize(offset, length, value.length);
        int p = grow(length);
        System.arraycopy(value, offset, data, p, length);
    }

    /** Accepts the boxed primitives, String and byte[], each written as its typed write method would. */
    @Override
    public void writeObject(Object value) throws JMSException {
        Objects.requireNonNull(value, "a BytesMessage cannot hold a null value");
        if (value instanceof Boolean v) {
            writeBoolean(v);
        } else if (value instanceof Byte v) {
            writeByte(v);
        } else if (value instanceof Short v) {
            writeShort(v);
        } else if (value instanceof Character v) {
            writeChar(v);
        } else if (value instanceof Integer v) {
            writeInt(v);
        } else if (value instanceof Long v) {
            writeLong(v);
        } else if (value instanceof Float v) {
            writeFloat(v);
        } else if (value instanceof Double v) {
            writeDouble(v);
        } else if (value instanceof String v) {
            writeUTF(v);
        } else if (value instanceof byte[] v) {
            writeBytes(v);
        } else {
            throw new MessageFormatException("a BytesMessage cannot hold a " + value.getClass().getName());
        }
    }

    // ---------------------------------------------------------------- getBody

    /**
     * The whole body as a new byte[]. As the Message javadoc requires, the message is reset before and after, so it is
     * afterwards read-only and positioned at its start.
     */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        reset();
        if (length == 0) {
            return null;
        }
        if (!c.isAssignableFrom(byte[].class)) {
            throw new MessageFormatException("a BytesMessage body is a byte[] and cannot be read as " + c.getName());
        }
        return c.cast(getBodyBytes());
    }

    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) {
        return length == 0 || ((Class<?>) c).isAssignableFrom(byte[].class);
    }

    // ---------------------------------------------------------------- internals

    /** Checks that {@code n} bytes can be read and returns where they start, advancing past them. */
    private int claim(int n) throws JMSException {
        checkBodyReadable();
        if (length - position < n) {
            throw new MessageEOFException("cannot read " + n + " bytes: " + (length - position) + " left");
        }
        int p = position;
        position += n;
        return p;
    }

    private long bigEndian(int from, int n) {
        long value = 0;
        for (int i = 0; i < n; i++) {
            value = (value << 8) | (data[from + i] & 0xFFL);
        }
        return value;
    }

    private void writeBigEndian(long value, int n) throws JMSException {
        int p = grow(n);
        for (int i = n - 1; i >= 0; i--) {
            data[p + i] = (byte) value;
            value >>>= 8;
        }
    }

    /** Makes room for {@code n} more bytes and returns where they go. */
    private int grow(int n) throws JMSException {
        checkBodyWritable();
        int p = length;
        int needed = p + n;
        if (needed < 0) {
            throw new MessageFormatException("a BytesMessage body cannot exceed 2 GiB");
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, Math.max(needed, Math.max(64, data.length * 2)));
        }
        length = needed;
        return p;
    }

    private static <E extends JMSException> E withCause(E exception, Exception cause) {
        exception.setLinkedException(cause);
        exception.initCause(cause);
        return exception;
    }
}
