package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.matches;
import static io.keelmq.protocol.selector.TestMessages.truth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Comparison operators: like types, numeric promotion, NULLs and mismatched types. */
class ComparisonTest {

    @Test
    void allOperatorsOnIntegers() {
        assertTrue(matches("n = 5", "n", 5));
        assertTrue(matches("n <> 4", "n", 5));
        assertFalse(matches("n <> 5", "n", 5));
        assertTrue(matches("n > 4", "n", 5));
        assertFalse(matches("n > 5", "n", 5));
        assertTrue(matches("n >= 5", "n", 5));
        assertTrue(matches("n < 6", "n", 5));
        assertFalse(matches("n < 5", "n", 5));
        assertTrue(matches("n <= 5", "n", 5));
        assertFalse(matches("n <= 4", "n", 5));
    }

    @Test
    void numericPromotionAcrossTypes() {
        assertTrue(matches("i = d", "i", 3, "d", 3.0));
        assertTrue(matches("i < d", "i", 3, "d", 3.5));
        assertTrue(matches("b = l", "b", (byte) 7, "l", 7L));
        assertTrue(matches("s = b", "s", (short) -2, "b", (byte) -2));
        assertTrue(matches("l > i", "l", 5_000_000_000L, "i", Integer.MAX_VALUE));
        assertTrue(matches("f = 2.5", "f", 2.5f));
        assertTrue(matches("x = 3", "x", 3.0));
        assertTrue(matches("x = 3", "x", 3L));
        assertTrue(matches("x = 3", "x", (byte) 3));
        // Java semantics: the float 0.1F widened to double is not the double 0.1.
        assertFalse(matches("f = 0.1", "f", 0.1f));
        assertTrue(matches("f = 0.1F", "f", 0.1f));
        // Long against long stays exact where a double could not tell the values apart.
        assertFalse(matches("l = 9007199254740993", "l", 9007199254740992L));
    }

    @Test
    void nanIsUnequalToEverything() {
        assertFalse(matches("d = d", "d", Double.NaN));
        assertTrue(matches("d <> d", "d", Double.NaN));
        assertFalse(matches("d < 1 OR d >= 1", "d", Double.NaN));
    }

    @Test
    void stringsAndBooleansCompareWithEqualsOnly() {
        assertTrue(matches("s = 'abc'", "s", "abc"));
        assertFalse(matches("s = 'ABC'", "s", "abc"));
        assertTrue(matches("s <> 'ABC'", "s", "abc"));
        assertTrue(matches("s = t", "s", "x", "t", "x"));
        assertTrue(matches("flag = TRUE", "flag", true));
        assertFalse(matches("flag = TRUE", "flag", false));
        assertTrue(matches("flag <> TRUE", "flag", false));
        assertTrue(matches("(n > 1) = FALSE", "n", 0));
        // Ordering strings or booleans held in properties is undefined: UNKNOWN.
        assertNull(truth("s < t", "s", "a", "t", "b"));
        assertNull(truth("p >= q", "p", true, "q", false));
    }

    @Test
    void differentTypesCompareFalseNotUnknown() {
        assertEquals(Boolean.FALSE, truth("s = 2", "s", "2"));
        assertEquals(Boolean.FALSE, truth("s > 1", "s", "2"));
        assertEquals(Boolean.FALSE, truth("n = '2'", "n", 2));
        assertEquals(Boolean.FALSE, truth("flag = 1", "flag", true));
        assertEquals(Boolean.FALSE, truth("n = TRUE", "n", 1));
        assertEquals(Boolean.FALSE, truth("'1' = 1"));
        // Spec: the comparison is false, so its negation is true.
        assertTrue(matches("NOT (s = 2)", "s", "2"));
        assertEquals(Boolean.FALSE, truth("s <> 2", "s", "2"));
    }

    @Test
    void valuesOfUnsupportedTypesEqualNothing() {
        assertEquals(Boolean.FALSE, truth("c = 'x'", "c", 'x'));
        assertEquals(Boolean.FALSE, truth("big = 1", "big", java.math.BigDecimal.ONE));
        assertNull(truth("big + 1 = 2", "big", java.math.BigDecimal.ONE));
        assertEquals(Boolean.TRUE, truth("c IS NOT NULL", "c", 'x'));
    }

    @Test
    void nullOnEitherSideIsUnknown() {
        assertNull(truth("n = 1"));
        assertNull(truth("1 <> n"));
        assertNull(truth("n > m", "n", 1));
        assertNull(truth("s = 'x'"));
        assertNull(truth("s <> 'x'"));
    }

    @Test
    void headerFields() {
        assertTrue(matches("JMSPriority > 4", "JMSPriority", 9));
        assertFalse(matches("JMSPriority > 4", "JMSPriority", 4));
        assertTrue(matches("JMSPriority BETWEEN 0 AND 4", "JMSPriority", 0));
        assertTrue(matches("JMSMessageID = 'ID:1'", "JMSMessageID", "ID:1"));
        assertTrue(matches("JMSCorrelationID IS NULL", "JMSCorrelationID", null));
        assertTrue(matches("JMSType LIKE 'car%'", "JMSType", "carriage"));
        // JMSDeliveryMode is a string in selectors, never the DeliveryMode int constant.
        assertFalse(matches("JMSDeliveryMode = 2", "JMSDeliveryMode", "PERSISTENT"));
        // JMSX and JMS_ names are ordinary properties.
        assertTrue(matches("JMSXDeliveryCount > 1", "JMSXDeliveryCount", 2));
        assertTrue(matches("JMS_Keel_Tag = 'a'", "JMS_Keel_Tag", "a"));
    }

    @Test
    void headerFieldsNotSelectableAreNullWhateverTheContextSays() {
        Object[] message = {"JMSDestination", "queue://q", "JMSExpiration", 5L, "JMSRedelivered", true,
            "JMSReplyTo", "queue://r", "JMSDeliveryTime", 5L};
        assertTrue(matches("JMSDestination IS NULL", message));
        assertNull(truth("JMSExpiration = 5", message));
        assertNull(truth("JMSRedelivered", message));
        assertNull(truth("JMSReplyTo = 'queue://r'", message));
        assertNull(truth("JMSDeliveryTime > 0", message));
        // Identifiers are case-sensitive: this is an application property, not a header.
        assertTrue(matches("jmsDestination = 'x'", "jmsDestination", "x"));
    }

    @Test
    void identifiersAreCaseSensitive() {
        assertTrue(matches("Color = 'red'", "Color", "red", "color", "blue"));
        assertTrue(matches("color = 'blue'", "Color", "red", "color", "blue"));
        assertFalse(matches("COLOR = 'red'", "Color", "red"));
    }
}
