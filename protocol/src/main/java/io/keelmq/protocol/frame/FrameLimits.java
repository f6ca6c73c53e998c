package io.keelmq.protocol.frame;

/**
 * The most a peer may send in one frame. Checked by the decoder before it buffers or
 * allocates anything a length field asks for, so a hostile or buggy peer cannot make the
 * receiver hold more than {@link #maxFrameSize()} bytes for one frame.
 *
 * <p>Immutable; derive variants with the {@code with...} methods.
 */
public final class FrameLimits {
    /** Bytes after the length field that every frame has: version, code, correlation id, flags, header count. */
    public static final int FIXED_HEADER_SIZE = 1 + 2 + 8 + 1 + 2;

    /** The largest body a default-configured peer accepts: room for a batch of maximum-size messages. */
    public static final int DEFAULT_MAX_BODY_SIZE = 16 * 1024 * 1024;
    public static final int DEFAULT_MAX_HEADER_COUNT = 64;
    public static final int DEFAULT_MAX_HEADER_BYTES = 64 * 1024;
    /**
     * 16 MiB of body plus the overhead of the fixed header and a full header section, so a
     * 16 MiB body always fits whatever headers accompany it.
     */
    public static final int DEFAULT_MAX_FRAME_SIZE =
            DEFAULT_MAX_BODY_SIZE + FIXED_HEADER_SIZE + DEFAULT_MAX_HEADER_BYTES;

    /** The limits every peer uses unless configured otherwise. */
    public static final FrameLimits DEFAULT =
            new FrameLimits(DEFAULT_MAX_FRAME_SIZE, DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_HEADER_BYTES);

    private final int maxFrameSize;
    private final int maxHeaderCount;
    private final int maxHeaderBytes;

    /**
     * @param maxFrameSize largest value accepted in a frame's length field (the bytes after it)
     * @param maxHeaderCount most headers in one frame, at most 65535 (the field is 16 bits)
     * @param maxHeaderBytes most bytes the header section may take, counting each entry's
     *     length fields and UTF-8 key and value
     */
    public FrameLimits(int maxFrameSize, int maxHeaderCount, int maxHeaderBytes) {
        if (maxFrameSize < FIXED_HEADER_SIZE) {
            throw new IllegalArgumentException(
                    "maxFrameSize " + maxFrameSize + " is below the fixed header size " + FIXED_HEADER_SIZE);
        }
        if (maxHeaderCount < 0 || maxHeaderCount > 0xFFFF) {
            throw new IllegalArgumentException("maxHeaderCount " + maxHeaderCount + " is outside 0..65535");
        }
        if (maxHeaderBytes < 0) {
            throw new IllegalArgumentException("maxHeaderBytes " + maxHeaderBytes + " is negative");
        }
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderCount = maxHeaderCount;
        this.maxHeaderBytes = maxHeaderBytes;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    public int maxHeaderCount() {
        return maxHeaderCount;
    }

    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    public FrameLimits withMaxFrameSize(int value) {
        return new FrameLimits(value, maxHeaderCount, maxHeaderBytes);
    }

    public FrameLimits withMaxHeaderCount(int value) {
        return new FrameLimits(maxFrameSize, value, maxHeaderBytes);
    }

    public FrameLimits withMaxHeaderBytes(int value) {
        return new FrameLimits(maxFrameSize, maxHeaderCount, value);
    }

    @Override
    public String toString() {
        return "FrameLimits[maxFrameSize=" + maxFrameSize + ", maxHeaderCount=" + maxHeaderCount
                + ", maxHeaderBytes=" + maxHeaderBytes + "]";
    }
}
