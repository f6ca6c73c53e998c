package io.keelmq.protocol.message;

import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.frame.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tagged values: the encoding of message properties, of MapMessage bodies (an ordered
 * name-to-value map) and of StreamMessage bodies (a list of values).
 *
 * <p>Each value is its {@link ValueType} tag byte followed by a payload: nothing for null,
 * one byte 0/1 for a boolean, big-endian two's complement for integers, the raw IEEE 754
 * bits for float and double (so every NaN payload and the sign of zero survive), a UTF-16
 * code unit for a char, and an int length plus bytes for strings (UTF-8) and byte arrays.
 * A map is an int count followed by (string name, value) pairs; a stream is an int count
 * followed by values.
 */
public final class TypedValues {
    private TypedValues() {
    }

    /**
     * Appends one tagged value.
     *
     * @throws IllegalArgumentException if the value's type is not allowed in a map or stream
     */
    public static void writeValue(ByteBuf out, Object value) {
        ValueType type = ValueType.of(value);
        out.writeByte(type.tag());
        switch (type) {
            case NULL -> { }
            case BOOLEAN -> out.writeByte((Boolean) value ? 1 : 0);
            case BYTE -> out.writeByte((Byte) value);
            case SHORT -> out.writeShort((Short) value);
            case INT -> out.writeInt((Integer) value);
            case LONG -> out.writeLong((Long) value);
            case FLOAT -> out.writeInt(Float.floatToRawIntBits((Float) value));
            case DOUBLE -> out.writeLong(Double.doubleToRawLongBits((Double) value));
            case STRING -> WireWriter.writeString(out, (String) value, "string value");
            case BYTES -> WireWriter.writeNullableBytes(out, (byte[]) value);
            case CHAR -> out.writeChar((Character) value);
            default -> throw new AssertionError(type);
        }
    }

    /**
     * Reads one tagged value of any type allowed in a map or stream.
     *
     * @throws ProtocolException on an unknown tag or truncated payload
     */
    public static Object readValue(WireReader in) {
        return readValue(in, false);
    }

    /**
     * Reads one tagged value that must be a message property type.
     *
     * @throws ProtocolException on an unknown or non-property tag or truncated payload
     */
    public static Object readPropertyValue(WireReader in) {
        return readValue(in, true);
    }

    private static Object readValue(WireReader in, boolean propertyOnly) {
        byte tag = in.readByte("value tag");
        ValueType type = ValueType.fromTag(tag);
        if (type == null) {
            throw in.malformed("unknown value tag " + tag);
        }
        if (propertyOnly && !type.isPropertyType()) {
            throw in.malformed("a property cannot have type " + type);
        }
        return switch (type) {
            case NULL -> null;
            case BOOLEAN -> in.readBoolean("boolean value");
            case BYTE -> in.readByte("byte value");
            case SHORT -> in.readShort("short value");
            case INT -> in.readInt("int value");
            case LONG -> in.readLong("long value");
            case FLOAT -> Float.intBitsToFloat(in.readInt("float value"));
            case DOUBLE -> Double.longBitsToDouble(in.readLong("double value"));
            case STRING -> in.readString("string value");
            case BYTES -> {
                byte[] bytes = in.readNullableBytes("bytes value");
                if (bytes == null) {
                    throw in.malformed("bytes value is null (null is tagged NULL)");
                }
                yield bytes;
            }
            case CHAR -> (char) in.readUnsignedShort("char value");
        };
    }

    /**
     * Appends a map as a count and (name, value) pairs in iteration order.
     *
     * @throws IllegalArgumentException on a null or empty name or a value of a disallowed type
     */
    public static void writeMap(ByteBuf out, Map<String, ?> map) {
        int start = out.writerIndex();
        try {
            out.writeInt(map.size());
            for (Map.Entry<String, ?> entry : map.entrySet()) {
                requireName(entry.getKey());
                WireWriter.writeString(out, entry.getKey(), "map entry name");
                writeValue(out, entry.getValue());
            }
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /**
     * Reads a map written by {@link #writeMap}.
     *
     * @throws ProtocolException on malformed bytes or a duplicate name
     */
    public static Map<String, Object> readMap(WireReader in) {
        int count = in.readCount("map entry count");
        // Not pre-sized from `count`: a lying count must not reserve memory; truncation stops it.
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String name = in.readString("map entry name");
            if (name.isEmpty()) {
                throw in.malformed("map entry " + i + " has an empty name");
            }
            if (map.containsKey(name)) {
                throw in.malformed("duplicate map entry name '" + name + "'");
            }
            map.put(name, readValue(in));
        }
        return map;
    }

    /** Appends a list as a count and its values in order. */
    public static void writeStream(ByteBuf out, List<?> values) {
        int start = out.writerIndex();
        try {
            out.writeInt(values.size());
            for (Object value : values) {
                writeValue(out, value);
            }
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    /** Reads a list written by {@link #writeStream}. */
    public static List<Object> readStream(WireReader in) {
        int count = in.readCount("stream element count");
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add(readValue(in));
        }
        return values;
    }

    /**
     * The body bytes of a MapMessage.
     *
     * @throws IllegalArgumentException on a null or empty name or a value of a disallowed type
     */
    public static byte[] encodeMap(Map<String, ?> map) {
        ByteBuf buf = Unpooled.buffer();
        writeMap(buf, map);
        return ByteBufUtil.getBytes(buf);
    }

    /**
     * The entries of a MapMessage body, in their original order; a null body (a MapMessage
     * sent without a body) has no entries.
     *
     * @throws ProtocolException if the bytes are not exactly one encoded map
     */
    public static Map<String, Object> decodeMap(byte[] body) {
        if (body == null) {
            return new LinkedHashMap<>();
        }
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "map body");
        Map<String, Object> map = readMap(in);
        requireEnd(in);
        return map;
    }

    /**
     * The body bytes of a StreamMessage.
     *
     * @throws IllegalArgumentException on a value of a disallowed type
     */
    public static byte[] encodeStream(List<?> values) {
        ByteBuf buf = Unpooled.buffer();
        writeStream(buf, values);
        return ByteBufUtil.getBytes(buf);
    }

    /**
     * The elements of a StreamMessage body, in order; a null body has none.
     *
     * @throws ProtocolException if the bytes are not exactly one encoded stream
     */
    public static List<Object> decodeStream(byte[] body) {
        if (body == null) {
            return new ArrayList<>();
        }
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "stream body");
        List<Object> values = readStream(in);
        requireEnd(in);
        return values;
    }

    static void requireEnd(WireReader in) {
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " unexpected bytes after the end");
        }
    }

    private static void requireName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a map entry name must not be null or empty");
        }
    }
}
