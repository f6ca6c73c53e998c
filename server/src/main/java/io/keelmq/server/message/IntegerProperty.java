package io.keelmq.server.message;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;

/** A message property the broker reads as a non-negative whole number (a delay level, a number of seconds). */
public final class IntegerProperty {

    private IntegerProperty() {
    }

    /**
     * The value of property {@code name}, or -1 when absent.
     *
     * @param hint what to use instead, for the error
     * @throws RequestException (MESSAGE_ILLEGAL) if it is negative or not an integer (an integral type or its text)
     */
    public static long nonNegative(Object value, String name, String hint) {
        if (value == null) {
            return -1;
        }
        long number;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof String text) {
            try {
                number = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw illegal(name, "'" + value + "' is not an integer", hint);
            }
        } else {
            throw illegal(name, "a " + value.getClass().getSimpleName() + " (" + value + ") is not an integer", hint);
        }
        if (number < 0) {
            throw illegal(name, number + " is negative", hint);
        }
        return number;
    }

    private static RequestException illegal(String name, String why, String hint) {
        return new RequestException(ErrorCode.MESSAGE_ILLEGAL, name + " " + why + ": " + hint);
    }
}
