package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts frames to and from bytes; the layout is documented in protocol/README.md.
 *
 * <p>Decoding is incremental: {@link #decode} returns null until a whole frame has arrived,
 * but validates the length field, the version, the flags and the header count as soon as
 * their bytes are present. A peer announcing an oversized or malformed frame is therefore
 * refused after a handful of bytes, before the receiver buffers the body it announces.
 */
public final class FrameCodec {
    /** Bytes of the length field that precedes every frame. */
    public static final int LENGTH_FIELD_SIZE = 4;

    private static final int VERSION_OFFSET = 0;
    private static final int FLAGS_OFFSET = 1 + 2 + 8;
    private static final int HEADER_COUNT_OFFSET = FLAGS_OFFSET + 1;

    private FrameCodec() {
    }

    /**
     * Appends {@code frame} to {@code out} without checking any receiver's limits.
     *
     * @throws IllegalArgumentException if the frame cannot be represented (a header key over
     *     65535 UTF-8 bytes, more than 65535 headers, an unpaired surrogate in a header)
     */
    public static void encode(Frame frame, ByteBuf out) {
        encode(frame, out, null);
    }

    /**
     * Appends {@code frame} to {@code out}, refusing a frame the receiver would refuse: a
     * sender finds out with a precise error rather than by being disconnected. On failure
     * nothing is left in {@code out}.
     *
     * @param limits the receiver's limits, or null for none
     * @throws ProtocolException if the frame exceeds {@code limits}
     * @throws IllegalArgumentException if the frame cannot be represented at all
     */
    public static void encode(Frame frame, ByteBuf out, FrameLimits limits) {
        Map<String, String> headers = frame.headers();
        if (headers.size() > 0xFFFF) {
            throw new IllegalArgumentException("a frame holds at most 65535 headers, not " + headers.size());
        }
        if (limits != null) {
            checkHeaderCount(headers.size(), limits);
        }
        int start = out.writerIndex();
        boolean done = false;
        try {
            out.writeInt(0); // the length, filled in once known
            out.writeByte(frame.version());
            out.writeShort(frame.code());
            out.writeLong(frame.correlationId());
            out.writeByte(frame.flags());
            out.writeShort(headers.size());
            int headersStart = out.writerIndex();
            for (Map.Entry<String, String> header : headers.entrySet()) {
                byte[] key = Utf8.encode(header.getKey(), "header key");
                if (key.length > 0xFFFF) {
                    throw new IllegalArgumentException("header key of " + key.length + " bytes exceeds 65535");
                }
                byte[] value = Utf8.encode(header.getValue(), "header value");
                out.writeShort(key.length);
                out.writeBytes(key);
                out.writeInt(value.length);
                out.writeBytes(value);
            }
            int headerBytes = out.writerIndex() - headersStart;
            frame.writeBodyTo(out);
            int frameLength = out.writerIndex() - start - LENGTH_FIELD_SIZE;
            if (limits != null) {
                checkHeaderBytes(headerBytes, limits);
                checkFrameLength(frameLength, limits);
            }
            out.setInt(start, frameLength);
            done = true;
        } finally {
            if (!done) {
                out.writerIndex(start);
            }
        }
    }

    /**
     * Takes one frame from the readable bytes of {@code in}.
     *
     * @return the frame, with the reader index advanced past it; or null if {@code in} does
     *     not yet hold a whole frame, with the reader index unchanged
     * @throws ProtocolException if the bytes present already violate the layout or {@code limits}
     */
    public static Frame decode(ByteBuf in, FrameLimits limits) {
        int available = in.readableBytes();
        if (available < LENGTH_FIELD_SIZE) {
            return null;
        }
        int start = in.readerIndex();
        int frameLength = in.getInt(start);
        checkFrameLength(frameLength, limits);
        int fixed = start + LENGTH_FIELD_SIZE;
        available -= LENGTH_FIELD_SIZE;
        if (available > VERSION_OFFSET) {
            checkVersion(in.getByte(fixed + VERSION_OFFSET));
        }
        if (available >= FrameLimits.FIXED_HEADER_SIZE) {
            checkFlags(in.getByte(fixed + FLAGS_OFFSET));
            checkHeaderCount(in.getUnsignedShort(fixed + HEADER_COUNT_OFFSET), limits);
        }
        if (available < frameLength) {
            return null;
        }
        Frame frame = parse(new WireReader(in.slice(fixed, frameLength), "frame"), limits);
        in.readerIndex(fixed + frameLength);
        return frame;
    }

    // Reads a frame whose bytes (after the length field) are exactly what `r` holds.
    private static Frame parse(WireReader r, FrameLimits limits) {
        byte version = r.readByte("version");
        short code = r.readShort("request code");
        long correlationId = r.readLong("correlation id");
        byte flags = r.readByte("flags");
        int headerCount = r.readUnsignedShort("header count");
        Map<String, String> headers = new LinkedHashMap<>();
        long headerBytes = 0;
        for (int i = 0; i < headerCount; i++) {
            int keyLength = r.readUnsignedShort("header key length");
            headerBytes += 2 + keyLength;
            checkHeaderBytes(headerBytes, limits);
            String key = r.readUtf8(keyLength, "header key");
            int valueLength = r.readInt("header value length");
            if (valueLength < 0) {
                throw r.malformed("header '" + key + "' has negative value length " + valueLength);
            }
            headerBytes += 4L + valueLength;
            checkHeaderBytes(headerBytes, limits);
            String value = r.readUtf8(valueLength, "header value");
            // A repeated key would let two components of the receiver disagree about its value.
            if (headers.put(key, value) != null) {
                throw r.malformed("duplicate header '" + key + "'");
            }
        }
        byte[] body = r.readBytes(r.remaining(), "body");
        return new Frame(version, code, correlationId, flags & 0xFF, headers, body);
    }

    private static void checkFrameLength(int frameLength, FrameLimits limits) {
        if (frameLength < 0) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "negative frame length " + frameLength);
        }
        if (frameLength < FrameLimits.FIXED_HEADER_SIZE) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "frame length " + frameLength
                    + " is below the fixed header size " + FrameLimits.FIXED_HEADER_SIZE);
        }
        if (frameLength > limits.maxFrameSize()) {
            throw new ProtocolException(ErrorCode.FRAME_TOO_LARGE,
                    "frame of " + frameLength + " bytes exceeds maxFrameSize " + limits.maxFrameSize());
        }
    }

    private static void checkVersion(byte version) {
        if (version != Frame.CURRENT_VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION, "protocol version " + version
                    + " is not supported (supported version: " + Frame.CURRENT_VERSION + ")");
        }
    }

    private static void checkFlags(byte flags) {
        String problem = FrameFlags.problem(flags & 0xFF);
        if (problem != null) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME, "malformed frame: " + problem);
        }
    }

    private static void checkHeaderCount(int count, FrameLimits limits) {
        if (count > limits.maxHeaderCount()) {
            throw new ProtocolException(ErrorCode.TOO_MANY_HEADERS,
                    "header count " + count + " exceeds maxHeaderCount " + limits.maxHeaderCount());
        }
    }

    private static void checkHeaderBytes(long headerBytes, FrameLimits limits) {
        if (headerBytes > limits.maxHeaderBytes()) {
            throw new ProtocolException(ErrorCode.HEADERS_TOO_LARGE, "headers of at least " + headerBytes
                    + " bytes exceed maxHeaderBytes " + limits.maxHeaderBytes());
        }
    }
}
