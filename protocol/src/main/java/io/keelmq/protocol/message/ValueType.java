package io.keelmq.protocol.message;

/**
 * The one-byte tag that precedes each typed value (a property, a MapMessage entry, a
 * StreamMessage element) on the wire. The codes are stable wire values.
 *
 * <p>Message properties may hold only the JMS property types (spec 3.5.4) and null; map and
 * stream bodies additionally hold {@code byte[]} and {@code Character}.
 */
public enum ValueType {
    NULL(0, true),
    BOOLEAN(1, true),
    BYTE(2, true),
    SHORT(3, true),
    INT(4, true),
    LONG(5, true),
    FLOAT(6, true),
    DOUBLE(7, true),
    STRING(8, true),
    BYTES(9, false),
    CHAR(10, false);

    private static final ValueType[] BY_TAG = values();

    private final byte tag;
    private final boolean propertyType;

    ValueType(int tag, boolean propertyType) {
        this.tag = (byte) tag;
        this.propertyType = propertyType;
    }

    public byte tag() {
        return tag;
    }

    /** Whether a message property may have this type. */
    public boolean isPropertyType() {
        return propertyType;
    }

    /** The type with this tag, or null if none has it. */
    public static ValueType fromTag(byte tag) {
        // Declaration order equals tag order, checked by the tests.
        return tag >= 0 && tag < BY_TAG.length ? BY_TAG[tag] : null;
    }

    /**
     * The type of a map or stream value.
     *
     * @throws IllegalArgumentException if the value's class is not one of the allowed types
     */
    public static ValueType of(Object value) {
        if (value == null) {
            return NULL;
        } else if (value instanceof Boolean) {
            return BOOLEAN;
        } else if (value instanceof Byte) {
            return BYTE;
        } else if (value instanceof Short) {
            return SHORT;
        } else if (value instanceof Integer) {
            return INT;
        } else if (value instanceof Long) {
            return LONG;
        } else if (value instanceof Float) {
            return FLOAT;
        } else if (value instanceof Double) {
            return DOUBLE;
        } else if (value instanceof String) {
            return STRING;
        } else if (value instanceof byte[]) {
            return BYTES;
        } else if (value instanceof Character) {
            return CHAR;
        }
        throw new IllegalArgumentException("unsupported value type " + value.getClass().getName()
                + "; allowed: null, Boolean, Byte, Short, Integer, Long, Float, Double, String, byte[], Character");
    }

    /**
     * The type of a message property value.
     *
     * @throws IllegalArgumentException if the value's class is not a JMS property type
     */
    public static ValueType ofProperty(Object value) {
        ValueType type = value instanceof byte[] || value instanceof Character ? null : of(value);
        if (type == null) {
            throw new IllegalArgumentException("unsupported property type " + value.getClass().getName()
                    + "; allowed: null, Boolean, Byte, Short, Integer, Long, Float, Double, String");
        }
        return type;
    }
}
