package io.keelmq.protocol.frame;

/**
 * The bits of a frame's flags byte.
 *
 * <p>Only the combinations that mean something are legal: a response never expects an
 * answer, so RESPONSE and ONEWAY exclude each other; an error is either the answer to a
 * request (RESPONSE) or an unsolicited notice (ONEWAY), never a request awaiting an answer.
 * Unassigned bits must be zero in version 1, so a later version can give them a meaning
 * without an old peer silently misreading them.
 */
public final class FrameFlags {
    /** The frame answers the request with the same correlation id. */
    public static final int RESPONSE = 1;
    /** The sender expects no response. */
    public static final int ONEWAY = 1 << 1;
    /** The frame reports a failure; see {@link Frame#errorCode()}. */
    public static final int ERROR = 1 << 2;

    /** Every bit assigned a meaning in protocol version 1. */
    public static final int KNOWN = RESPONSE | ONEWAY | ERROR;

    private FrameFlags() {
    }

    public static boolean isSet(int flags, int bit) {
        return (flags & bit) != 0;
    }

    /** Why {@code flags} is not a legal combination, or null when it is. */
    public static String problem(int flags) {
        if ((flags & ~KNOWN) != 0) {
            return String.format("flags 0x%02x set reserved bits (known: 0x%02x)", flags & 0xFF, KNOWN);
        }
        if (isSet(flags, RESPONSE) && isSet(flags, ONEWAY)) {
            return "flags set both RESPONSE and ONEWAY";
        }
        if (isSet(flags, ERROR) && !isSet(flags, RESPONSE) && !isSet(flags, ONEWAY)) {
            return "flags set ERROR on a frame that is neither a RESPONSE nor ONEWAY";
        }
        return null;
    }

    /** Human-readable form for logs, e.g. {@code RESPONSE|ERROR}. */
    public static String describe(int flags) {
        StringBuilder sb = new StringBuilder();
        if (isSet(flags, RESPONSE)) {
            sb.append("RESPONSE");
        }
        if (isSet(flags, ONEWAY)) {
            sb.append(sb.length() > 0 ? "|" : "").append("ONEWAY");
        }
        if (isSet(flags, ERROR)) {
            sb.append(sb.length() > 0 ? "|" : "").append("ERROR");
        }
        return sb.length() == 0 ? "REQUEST" : sb.toString();
    }
}
