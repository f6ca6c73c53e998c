package io.keelmq.jms.message;

import jakarta.jms.MessageFormatException;

import java.util.Arrays;

/**
 * The value conversion tables of Jakarta Messaging 3.1, kept in one place.
 * <p>
 * Table 3-2 (properties) and Table 3-7 (StreamMessage and MapMessage) agree on every type they share; Table 3-7 only
 * adds {@code char} and {@code byte[]}, which can never be stored as a property because {@link #isPropertyValue}
 * rejects them. One set of conversions therefore serves properties, map entries and stream fields.
 * <p>
 * A value stored as the row type can be read as the column type; every other pair throws
 * {@link MessageFormatException}. Strings are parsed with the target type's {@code valueOf(String)}, so a bad string
 * throws {@link NumberFormatException}. A null (an absent property or map entry, or a null stream field) is handed to
 * that same {@code valueOf(String)}, as the spec requires: {@code boolean} reads false, integral types throw
 * {@link NumberFormatException}, {@code float} and {@code double} throw {@link NullPointerException} (that is what
 * {@code Float.valueOf(null)} does), and {@code char}, which has no String conversion, throws
 * {@link NullPointerException}.
 */
public final class TypeConversions {

    private TypeConversions() {
    }

    /** The value types a message property may hold (spec 3.5.4); null is allowed as "no value". */
    public static boolean isPropertyValue(Object value) {
        return value == null
                || value instanceof Boolean
                || value instanceof Byte
                || value instanceof Short
                || value instanceof Integer
                || value instanceof Long
                || value instanceof Float
                || value instanceof Double
                || value instanceof String;
    }

    /** The value types a MapMessage entry or StreamMessage field may hold: the property types plus char and byte[]. */
    public static boolean isBodyValue(Object value) {
        return isPropertyValue(value) || value instanceof Character || value instanceof byte[];
    }

    public static boolean toBoolean(Object value) throws MessageFormatException {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Boolean.valueOf((String) value);
        }
        throw cannotConvert(value, "boolean");
    }

    public static byte toByte(Object value) throws MessageFormatException {
        if (value instanceof Byte b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Byte.valueOf((String) value);
        }
        throw cannotConvert(value, "byte");
    }

    public static short toShort(Object value) throws MessageFormatException {
        if (value instanceof Short s) {
            return s;
        }
        if (value instanceof Byte b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Short.valueOf((String) value);
        }
        throw cannotConvert(value, "short");
    }

    public static char toChar(Object value) throws MessageFormatException {
        if (value instanceof Character c) {
            return c;
        }
        if (value == null) {
            throw new NullPointerException("a null value cannot be read as a char");
        }
        throw cannotConvert(value, "char");
    }

    public static int toInt(Object value) throws MessageFormatException {
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Short s) {
            return s;
        }
        if (value instanceof Byte b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Integer.valueOf((String) value);
        }
        throw cannotConvert(value, "int");
    }

    public static long toLong(Object value) throws MessageFormatException {
        if (value instanceof Long l) {
            return l;
        }
        if (value instanceof Integer i) {
            return i;
        }
        if (value instanceof Short s) {
            return s;
        }
        if (value instanceof Byte b) {
            return b;
        }
        if (value == null || value instanceof String) {
            return Long.valueOf((String) value);
        }
        throw cannotConvert(value, "long");
    }

    public static float toFloat(Object value) throws MessageFormatException {
        if (value instanceof Float f) {
            return f;
        }
        if (value == null || value instanceof String) {
            return Float.valueOf((String) value);
        }
        throw cannotConvert(value, "float");
    }

    public static double toDouble(Object value) throws MessageFormatException {
        if (value instanceof Double d) {
            return d;
        }
        if (value instanceof Float f) {
            return f;
        }
        if (value == null || value instanceof String) {
            return Double.valueOf((String) value);
        }
        throw cannotConvert(value, "double");
    }

    /** Every type but byte[] reads as its {@code String.valueOf} form; null stays null. */
    public static String toText(Object value) throws MessageFormatException {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[]) {
            throw cannotConvert(value, "String");
        }
        return String.valueOf(value);
    }

    /** Only a byte[] reads as a byte[]; the caller gets a copy so it cannot change the message. */
    public static byte[] toBytes(Object value) throws MessageFormatException {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return bytes.clone();
        }
        throw cannotConvert(value, "byte[]");
    }

    /** A value safe to hand out or store: byte[] is the only mutable body type, so only it is copied. */
    public static Object copyOf(Object value) {
        return value instanceof byte[] bytes ? Arrays.copyOf(bytes, bytes.length) : value;
    }

    static String typeName(Object value) {
        return value == null ? "null" : value instanceof byte[] ? "byte[]" : value.getClass().getSimpleName();
    }

    private static MessageFormatException cannotConvert(Object value, String target) {
        return new MessageFormatException("a " + typeName(value) + " value cannot be read as " + target);
    }
}
