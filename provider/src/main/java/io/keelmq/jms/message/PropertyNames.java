package io.keelmq.jms.message;

import java.util.Locale;
import java.util.Set;

/**
 * Checks property names against the rules for a message selector identifier (spec 3.5.1 and 3.8.1.1), so every
 * property a client can set can also be referenced by a selector.
 */
public final class PropertyNames {

    /** The JMSX property the provider sets on receive (spec 3.5.11). */
    public static final String JMSX_DELIVERY_COUNT = "JMSXDeliveryCount";
    /** The standard grouping properties (spec 3.5.9); KeelMQ routes a group to one partition by its id. */
    public static final String JMSX_GROUP_ID = "JMSXGroupID";
    public static final String JMSX_GROUP_SEQ = "JMSXGroupSeq";
    /**
     * Set by the producer on a message after a confirmed send (spec 3.5.10 provider-specific prefix): the broker's
     * {@code SendStatus} name. It describes one send, not the message, so it is never sent along.
     */
    public static final String KEEL_SEND_STATUS = "JMS_Keel_SendStatus";

    /*
     * Selector literals and operator names are case-insensitive (spec 3.8.1.1), so "null" or "And" would be read as
     * the keyword by a selector; they are rejected in any case.
     */
    private static final Set<String> RESERVED =
            Set.of("NULL", "TRUE", "FALSE", "NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS", "ESCAPE");

    private PropertyNames() {
    }

    /**
     * @throws IllegalArgumentException if the name is null, empty, not a Java identifier or a reserved selector word
     */
    public static void validate(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a property name must not be null or empty");
        }
        if (!isIdentifier(name)) {
            throw new IllegalArgumentException("property name '" + name + "' is not a valid identifier");
        }
        if (RESERVED.contains(name.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("property name '" + name + "' is a reserved selector word");
        }
    }

    private static boolean isIdentifier(String name) {
        int first = name.codePointAt(0);
        if (!Character.isJavaIdentifierStart(first)) {
            return false;
        }
        for (int i = Character.charCount(first); i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (!Character.isJavaIdentifierPart(cp)) {
                return false;
            }
            i += Character.charCount(cp);
        }
        return true;
    }
}
