package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageFormatException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Named values (the boxed primitives, char, String, byte[] or null) read back with the conversions of spec table 3-7
 * ({@link TypeConversions}); a name never set reads as a null value. The body is always readable and writable until the
 * message is received.
 */
public class KeelMapMessage extends KeelMessage implements MapMessage {

    private LinkedHashMap<String, Object> entries = new LinkedHashMap<>();

    public KeelMapMessage() {
    }

    protected KeelMapMessage(KeelMapMessage other) {
        super(other);
        this.entries = copyEntries(other.entries);
    }

    /**
     * A message holding {@code body}'s entries (byte[] copied), as decoded from the transport.
     *
     * @throws IllegalArgumentException if a name is null or empty
     * @throws MessageFormatException if a value is not a MapMessage type
     */
    public static KeelMapMessage fromBody(Map<String, ?> body) throws MessageFormatException {
        for (Map.Entry<String, ?> e : body.entrySet()) {
            requireName(e.getKey());
            requireBodyValue(e.getValue());
        }
        KeelMapMessage message = new KeelMapMessage();
        message.entries = copyEntries(body);
        return message;
    }

    /** Every entry (byte[] copied), for the transport. */
    public LinkedHashMap<String, Object> getBodyMap() {
        return copyEntries(entries);
    }

    @Override
    public KeelMapMessage copy() {
        return new KeelMapMessage(this);
    }

    @Override
    public BodyType bodyType() {
        return BodyType.MAP;
    }

    @Override
    protected void clearBodyContent() {
        entries = new LinkedHashMap<>();
    }

    // ---------------------------------------------------------------- reads

    @Override
    public boolean getBoolean(String name) throws JMSException {
        return TypeConversions.toBoolean(entries.get(name));
    }

    @Override
    public byte getByte(String name) throws JMSException {
        return TypeConversions.toByte(entries.get(name));
    }

    @Override
    public short getShort(String name) throws JMSException {
        return TypeConversions.toShort(entries.get(name));
    }

    @Override
    public char getChar(String name) throws JMSException {
        return TypeConversions.toChar(entries.get(name));
    }

    @Override
    public int getInt(String name) throws JMSException {
        return TypeConversions.toInt(entries.get(name));
    }

    @Override
    public long getLong(String name) throws JMSException {
        return TypeConversions.toLong(entries.get(name));
    }

    @Override
    public float getFloat(String name) throws JMSException {
        return TypeConversions.toFloat(entries.get(name));
    }

    @Override
    public double getDouble(String name) throws JMSException {
        return TypeConversions.toDouble(entries.get(name));
    }

    @Override
    public String getString(String name) throws JMSException {
        return TypeConversions.toText(entries.get(name));
    }

    @Override
    public byte[] getBytes(String name) throws JMSException {
        return TypeConversions.toBytes(entries.get(name));
    }

    @Override
    public Object getObject(String name) {
        return TypeConversions.copyOf(entries.get(name));
    }

    @Override
    public Enumeration<String> getMapNames() {
        return Collections.enumeration(new ArrayList<>(entries.keySet()));
    }

    @Override
    public boolean itemExists(String name) {
        return entries.containsKey(name);
    }

    // ---------------------------------------------------------------- writes

    @Override
    public void setBoolean(String name, boolean value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setByte(String name, byte value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setShort(String name, short value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setChar(String name, char value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setInt(String name, int value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setLong(String name, long value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setFloat(String name, float value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setDouble(String name, double value) throws JMSException {
        put(name, value);
    }

    @Override
    public void setString(String name, String value) throws JMSException {
        put(name, value);
    }

    /** Stores a copy, so later changes to the caller's array do not reach the message. */
    @Override
    public void setBytes(String name, byte[] value) throws JMSException {
        put(name, TypeConversions.copyOf(value));
    }

    @Override
    public void setBytes(String name, byte[] value, int offset, int length) throws JMSException {
        Objects.checkFromIndexSize(offset, length, value.length);
        put(name, Arrays.copyOfRange(value, offset, offset + length));
    }

    @Override
    public void setObject(String name, Object value) throws JMSException {
        requireBodyValue(value);
        put(name, TypeConversions.copyOf(value));
    }

    // ---------------------------------------------------------------- getBody

    /** The entries as a new {@code Map}; an empty map counts as no body, as in Artemis, and returns null. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (entries.isEmpty()) {
            return null;
        }
        if (!c.isAssignableFrom(Map.class)) {
            throw new MessageFormatException("a MapMessage body is a Map and cannot be read as " + c.getName());
        }
        return c.cast(getBodyMap());
    }

    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) {
        return entries.isEmpty() || ((Class<?>) c).isAssignableFrom(Map.class);
    }

    // ---------------------------------------------------------------- internals

    private void put(String name, Object value) throws JMSException {
        checkBodyWritable();
        requireName(name);
        entries.put(name, value);
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a MapMessage name must not be null or empty");
        }
    }

    private static void requireBodyValue(Object value) throws MessageFormatException {
        if (!TypeConversions.isBodyValue(value)) {
            throw new MessageFormatException("a MapMessage cannot hold a " + TypeConversions.typeName(value));
        }
    }

    private static LinkedHashMap<String, Object> copyEntries(Map<String, ?> source) {
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : source.entrySet()) {
            copy.put(e.getKey(), TypeConversions.copyOf(e.getValue()));
        }
        return copy;
    }
}
