package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.errors.RequestException;

/**
 * Typed access to request headers. A missing or unreadable required header is a protocol
 * violation by the client (MALFORMED_FRAME, which closes the connection): a correct client
 * never sends one, so carrying on would only hide the bug.
 */
final class Headers {

    private Headers() {
    }

    static String required(Frame frame, String name) {
        String value = frame.header(name);
        if (value == null) {
            throw malformed(frame, "has no header '" + name + "'");
        }
        return value;
    }

    /** The header, or null when absent or empty. */
    static String optional(Frame frame, String name) {
        String value = frame.header(name);
        return value == null || value.isEmpty() ? null : value;
    }

    static long requiredLong(Frame frame, String name) {
        return parseLong(frame, name, required(frame, name));
    }

    static long optionalLong(Frame frame, String name, long defaultValue) {
        String value = optional(frame, name);
        return value == null ? defaultValue : parseLong(frame, name, value);
    }

    static int optionalInt(Frame frame, String name, int defaultValue) {
        long value = optionalLong(frame, name, defaultValue);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw malformed(frame, "header '" + name + "' is out of range: " + value);
        }
        return (int) value;
    }

    static boolean bool(Frame frame, String name) {
        String value = optional(frame, name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw malformed(frame, "header '" + name + "' must be true or false, not '" + value + "'");
    }

    private static long parseLong(Frame frame, String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw malformed(frame, "header '" + name + "' is not a number: '" + value + "'");
        }
    }

    static RequestException malformed(Frame frame, String problem) {
        return new RequestException(ErrorCode.MALFORMED_FRAME, frame.requestCode() + " " + problem);
    }
}
