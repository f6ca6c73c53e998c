package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * Writes the length-prefixed wire primitives that {@link WireReader} reads back.
 *
 * <p>Nullable strings and byte arrays carry an int length where -1 means null, so null and
 * empty stay distinct across the wire.
 */
public final class WireWriter {
    private WireWriter() {
    }

    public static void writeNullableBytes(ByteBuf out, byte[] bytes) {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.writeBytes(bytes);
        }
    }

    /**
     * @throws IllegalArgumentException if {@code s} holds an unpaired surrogate
     */
    public static void writeNullableString(ByteBuf out, String s, String what) {
        writeNullableBytes(out, s == null ? null : Utf8.encode(s, what));
    }

    /** Writes a string that must not be null. */
    public static void writeString(ByteBuf out, String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        writeNullableString(out, s, what);
    }
}
