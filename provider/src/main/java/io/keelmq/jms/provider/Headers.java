package io.keelmq.jms.provider;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;

import java.util.LinkedHashMap;
import java.util.Map;

/** Building request headers and reading answer headers, which the contract writes as decimal or plain strings. */
final class Headers {

    private Headers() {
    }

    static Map<String, String> of(String... keyValues) {
        Map<String, String> h = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            h.put(keyValues[i], keyValues[i + 1]);
        }
        return h;
    }

    static Map<String, String> destination(DestinationRef destination) {
        return of("destinationKind", destination.kind().name(), "destination", destination.name());
    }

    /** Optional headers are left out when unset, so they take the contract's default. */
    static void putIfSet(Map<String, String> headers, String key, String value) {
        if (value != null) {
            headers.put(key, value);
        }
    }

    static String required(Frame answer, String name) throws JMSException {
        String value = answer.header(name);
        if (value == null) {
            throw malformed(answer.requestCode(), "header '" + name + "' is missing");
        }
        return value;
    }

    static int requiredInt(Frame answer, String name) throws JMSException {
        return (int) requiredLong(answer, name, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    static long requiredLong(Frame answer, String name) throws JMSException {
        return requiredLong(answer, name, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static long requiredLong(Frame answer, String name, long min, long max) throws JMSException {
        String value = required(answer, name);
        try {
            long parsed = Long.parseLong(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw malformed(answer.requestCode(), "header '" + name + "' is not a valid number: '" + value + "'");
    }

    static JMSException malformed(RequestCode code, String detail) {
        return new JMSException("the broker's answer to " + code + " is malformed: " + detail,
                ErrorCode.MALFORMED_FRAME.name());
    }
}
