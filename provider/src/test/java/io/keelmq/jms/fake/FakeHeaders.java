package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;

/** Strict header reading: a missing or malformed header is a contract violation. */
final class FakeHeaders {
    private final FakeBroker broker;
    private final Frame frame;

    FakeHeaders(FakeBroker broker, Frame frame) {
        this.broker = broker;
        this.frame = frame;
    }

    String required(String name) {
        String value = frame.header(name);
        if (value == null) {
            throw violation("header '" + name + "' missing");
        }
        return value;
    }

    String optional(String name) {
        return frame.header(name);
    }

    long requiredLong(String name) {
        String value = required(name);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw violation("header '" + name + "' is not decimal: " + value);
        }
    }

    int requiredInt(String name) {
        long value = requiredLong(name);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw violation("header '" + name + "' is out of int range: " + value);
        }
        return (int) value;
    }

    boolean requiredBool(String name) {
        return bool(name, required(name));
    }

    boolean optionalBool(String name, boolean defaultValue) {
        String value = frame.header(name);
        return value == null ? defaultValue : bool(name, value);
    }

    private boolean bool(String name, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw violation("header '" + name + "' is not true/false: " + value);
        }
        return Boolean.parseBoolean(value);
    }

    DestinationRef destination(String kindHeader, String nameHeader, DestinationRef.Kind defaultKind) {
        String kindText = kindHeader == null ? null : frame.header(kindHeader);
        DestinationRef.Kind kind;
        if (kindText == null) {
            if (defaultKind == null) {
                throw violation("header '" + kindHeader + "' missing");
            }
            kind = defaultKind;
        } else {
            try {
                kind = DestinationRef.Kind.valueOf(kindText);
            } catch (IllegalArgumentException e) {
                throw violation("unknown destination kind " + kindText);
            }
        }
        String name = required(nameHeader);
        if (name.isEmpty()) {
            throw violation("empty destination name");
        }
        return new DestinationRef(kind, name);
    }

    Refusal violation(String what) {
        broker.violation(frame.requestCode() + ": " + what);
        return new Refusal(ErrorCode.INTERNAL, "contract violation: " + what);
    }
}
