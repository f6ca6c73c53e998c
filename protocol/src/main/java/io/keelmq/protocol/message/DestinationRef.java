package io.keelmq.protocol.message;

import java.util.Objects;

/**
 * A destination as named on the wire: its kind and its physical name. Independent of the
 * jakarta.jms Destination classes so that the broker can use it without the JMS API.
 */
public record DestinationRef(Kind kind, String name) {

    /** What kind of destination; the codes are stable wire values. */
    public enum Kind {
        QUEUE(1),
        TOPIC(2),
        TEMPORARY_QUEUE(3),
        TEMPORARY_TOPIC(4);

        private final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        public byte code() {
            return code;
        }

        public boolean isTemporary() {
            return this == TEMPORARY_QUEUE || this == TEMPORARY_TOPIC;
        }

        public boolean isQueue() {
            return this == QUEUE || this == TEMPORARY_QUEUE;
        }

        /**
         * @throws IllegalArgumentException if no kind has that code
         */
        public static Kind fromCode(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown destination kind code " + code);
        }
    }

    /**
     * @throws IllegalArgumentException if the name is empty
     * @throws NullPointerException if kind or name is null
     */
    public DestinationRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("destination name must not be empty");
        }
    }

    public static DestinationRef queue(String name) {
        return new DestinationRef(Kind.QUEUE, name);
    }

    public static DestinationRef topic(String name) {
        return new DestinationRef(Kind.TOPIC, name);
    }
}
