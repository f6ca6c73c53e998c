package io.keelmq.jms.message;

import jakarta.jms.MessageFormatException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The application, JMSX and provider-specific properties of one message: names are checked by {@link PropertyNames},
 * values restricted to the property types. Insertion order is kept only so that encodings are stable; the spec leaves
 * the order undefined.
 */
final class MessageProperties {

    private final LinkedHashMap<String, Object> values;

    MessageProperties() {
        this.values = new LinkedHashMap<>();
    }

    private MessageProperties(LinkedHashMap<String, Object> values) {
        this.values = values;
    }

    /**
     * @throws IllegalArgumentException if the name is invalid
     * @throws MessageFormatException if the value is not a property type
     */
    void put(String name, Object value) throws MessageFormatException {
        PropertyNames.validate(name);
        if (!TypeConversions.isPropertyValue(value)) {
            throw new MessageFormatException("a property value cannot be a " + TypeConversions.typeName(value)
                    + "; only Boolean, Byte, Short, Integer, Long, Float, Double and String are allowed");
        }
        values.put(name, value);
    }

    /** The stored value, or null when absent: spec 3.5.8 treats an absent property as one holding null. */
    Object get(String name) {
        return values.get(name);
    }

    boolean contains(String name) {
        return values.containsKey(name);
    }

    Set<String> names() {
        return Collections.unmodifiableSet(values.keySet());
    }

    void clear() {
        values.clear();
    }

    /** All values are immutable, so a shallow map copy is a deep copy. */
    MessageProperties copy() {
        return new MessageProperties(new LinkedHashMap<>(values));
    }

    LinkedHashMap<String, Object> toMap() {
        return new LinkedHashMap<>(values);
    }

    /** Replaces every entry, validating each one as a client set would. */
    void replaceAll(Map<String, ?> properties) throws MessageFormatException {
        LinkedHashMap<String, Object> previous = new LinkedHashMap<>(values);
        values.clear();
        try {
            for (Map.Entry<String, ?> e : properties.entrySet()) {
                put(e.getKey(), e.getValue());
            }
        } catch (MessageFormatException | IllegalArgumentException e) {
            values.clear();
            values.putAll(previous);
            throw e;
        }
    }
}
