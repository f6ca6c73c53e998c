package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;

/**
 * Reads wire primitives from a buffer whose readable bytes are everything there is to read.
 *
 * <p>Every read first checks that the bytes it needs are there, and every length read from
 * the input is checked against the bytes remaining before anything is allocated for it. A
 * hostile length therefore costs an exception with a clear message, never an
 * OutOfMemoryError, a NegativeArraySizeException or Netty's IndexOutOfBoundsException.
 * All failures are {@link ProtocolException}s with {@link ErrorCode#MALFORMED_FRAME}.
 */
public final class WireReader {
    private final ByteBuf in;
    private final String context;

    /**
     * @param in the bytes to read; reading advances its reader index
     * @param context what is being read ("frame", "message", "map body"), for error messages
     */
    public WireReader(ByteBuf in, String context) {
        this.in = in;
        this.context = context;
    }

    public int remaining() {
        return in.readableBytes();
    }

    public byte readByte(String field) {
        need(1, field);
        return in.readByte();
    }

    public short readShort(String field) {
        need(2, field);
        return in.readShort();
    }

    public int readUnsignedShort(String field) {
        need(2, field);
        return in.readUnsignedShort();
    }

    public int readInt(String field) {
        need(4, field);
        return in.readInt();
    }

    public long readLong(String field) {
        need(8, field);
        return in.readLong();
    }

    /** Reads a byte that must be 0 (false) or 1 (true). */
    public boolean readBoolean(String field) {
        byte b = readByte(field);
        if (b != 0 && b != 1) {
            throw malformed(field + " must be 0 or 1 but is " + b);
        }
        return b == 1;
    }

    /** Reads {@code length} bytes, after checking that the input holds them. */
    public byte[] readBytes(int length, String field) {
        if (length < 0) {
            throw malformed(field + " has negative length " + length);
        }
        need(length, field);
        byte[] out = new byte[length];
        in.readBytes(out);
        return out;
    }

    /**
     * The next {@code length} bytes as a slice of the input (no copy), after checking that the input holds them; the
     * slice shares the input's memory, so it is only good while the input is.
     */
    public ByteBuf readSlice(int length, String field) {
        if (length < 0) {
            throw malformed(field + " has negative length " + length);
        }
        need(length, field);
        return in.readSlice(length);
    }

    /** Steps over {@code length} bytes, after checking that the input holds them. */
    public void skip(int length, String field) {
        if (length < 0) {
            throw malformed(field + " has negative length " + length);
        }
        need(length, field);
        in.skipBytes(length);
    }

    /** Reads {@code length} bytes of strict UTF-8. */
    public String readUtf8(int length, String field) {
        byte[] bytes = readBytes(length, field);
        return Utf8.decode(bytes, 0, bytes.length, context + " " + field);
    }

    /** Reads an int length (-1 for null) followed by that many bytes. */
    public byte[] readNullableBytes(String field) {
        int length = readInt(field + " length");
        if (length == -1) {
            return null;
        }
        return readBytes(length, field);
    }

    /** Reads an int length (-1 for null) followed by that many bytes of UTF-8. */
    public String readNullableString(String field) {
        int length = readInt(field + " length");
        if (length == -1) {
            return null;
        }
        return readUtf8(length, field);
    }

    /** Reads a string written by {@link WireWriter#writeString}; null is malformed there. */
    public String readString(String field) {
        String s = readNullableString(field);
        if (s == null) {
            throw malformed(field + " is null");
        }
        return s;
    }

    /** Reads a non-negative int count; the caller's loop then fails fast on truncation. */
    public int readCount(String field) {
        int count = readInt(field);
        if (count < 0) {
            throw malformed(field + " is negative: " + count);
        }
        return count;
    }

    /** A MALFORMED_FRAME exception whose message says what was being read. */
    public ProtocolException malformed(String detail) {
        return new ProtocolException(ErrorCode.MALFORMED_FRAME, "malformed " + context + ": " + detail);
    }

    private void need(int bytes, String field) {
        if (in.readableBytes() < bytes) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "truncated " + context + ": " + field
                    + " needs " + bytes + " bytes but only " + in.readableBytes() + " remain");
        }
    }
}
