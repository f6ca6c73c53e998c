package io.keelmq.protocol.message;

/**
 * The most a received message may carry in properties: how many, and how many bytes their encoding
 * (names and typed values, as on the wire) may take. Checked while decoding, the count before any
 * property is read, so a message announcing a million tiny properties is refused before a map is filled.
 *
 * @param maxPropertyCount most properties in one message
 * @param maxPropertiesSize most bytes the encoded properties of one message may take
 */
public record PropertyLimits(int maxPropertyCount, int maxPropertiesSize) {
    /** No limit beyond what the bytes themselves hold: for trusted input (the broker's own store, its answers). */
    public static final PropertyLimits NONE = new PropertyLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    public PropertyLimits {
        if (maxPropertyCount < 0 || maxPropertiesSize < 0) {
            throw new IllegalArgumentException("property limits must not be negative: " + maxPropertyCount + ", "
                    + maxPropertiesSize);
        }
    }
}
