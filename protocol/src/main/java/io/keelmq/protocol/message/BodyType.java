package io.keelmq.protocol.message;

/**
 * Which kind of JMS message a {@link WireMessage} is, and so how its body bytes are read:
 * TEXT with {@link TextBody}, MAP and STREAM with {@link TypedValues}, BYTES as is, OBJECT
 * as Java serialisation done by the client. The codes are stable wire values.
 */
public enum BodyType {
    /** A plain {@code Message}: no body. */
    NONE(0),
    TEXT(1),
    BYTES(2),
    MAP(3),
    OBJECT(4),
    STREAM(5);

    /** {@link #values()} once: every stored message's body type is looked up, and values() copies the array. */
    private static final BodyType[] ALL = values();

    private final byte code;

    BodyType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /**
     * @throws IllegalArgumentException if no body type has that code
     */
    public static BodyType fromCode(byte code) {
        for (BodyType type : ALL) {
            if (type.code == code) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown body type code " + code);
    }
}
