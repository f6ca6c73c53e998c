package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.matches;
import static io.keelmq.protocol.selector.TestMessages.tree;
import static io.keelmq.protocol.selector.TestMessages.truth;
import static io.keelmq.protocol.selector.TestMessages.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Precedence, Java numeric promotion, and the NULL and error cases of arithmetic. */
class ArithmeticTest {

    @ParameterizedTest(name = "{0}  parses as  {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "a + b * c = 7                | ((a + (b * c)) = 7)",
        "a - b - c = 0                | (((a - b) - c) = 0)",
        "a / b * c = 1                | (((a / b) * c) = 1)",
        "-a * b = 1                   | (((-a) * b) = 1)",
        "- - a = 1                    | ((-(-a)) = 1)",
        "(a + b) * c = 1              | (((a + b) * c) = 1)",
        "a = 1 OR b = 2 AND c = 3     | ((a = 1) OR ((b = 2) AND (c = 3)))",
        "(a = 1 OR b = 2) AND c = 3   | (((a = 1) OR (b = 2)) AND (c = 3))",
        "NOT a = 1 AND b              | ((NOT (a = 1)) AND b)",
        "NOT NOT a                    | (NOT (NOT a))",
        "a + 1 BETWEEN b * 2 AND c - 1| ((a + 1) BETWEEN (b * 2) AND (c - 1))",
        "a = 1 AND b BETWEEN 1 AND 2 AND c | ((a = 1) AND (b BETWEEN 1 AND 2) AND c)",
        "x NOT LIKE 'a%' OR y IS NOT NULL | ((x NOT LIKE 'a%') OR (y IS NOT NULL))",
        "(a = b) = TRUE               | ((a = b) = TRUE)",
    })
    void precedenceAndAssociativity(String selector, String expected) {
        assertEquals(expected, tree(selector).toString());
    }

    @Test
    void precedenceDecidesValues() {
        assertTrue(matches("2 + 3 * 4 = 14"));
        assertTrue(matches("(2 + 3) * 4 = 20"));
        assertTrue(matches("10 - 4 - 3 = 3"));
        assertTrue(matches("16 / 4 / 2 = 2"));
        assertTrue(matches("-2 * -3 = 6"));
        assertTrue(matches("a * -1 = -5", "a", 5));
    }

    @Test
    void promotionFollowsJava() {
        assertEquals(2, value("b + b", "b", (byte) 1));
        assertEquals(Integer.class, value("s * s", "s", (short) 3).getClass());
        assertEquals(4L, value("i + l", "i", 1, "l", 3L));
        assertEquals(2.5, value("i / d", "i", 5, "d", 2.0));
        assertEquals(2.5f, value("i / f", "i", 5, "f", 2.0f));
        assertEquals(2, value("i / 2", "i", 5));
        assertEquals(2.5, value("i / 2.0", "i", 5));
        assertEquals(-7, value("-b", "b", (byte) 7));
        assertEquals(7, value("+b", "b", (byte) 7));
        // int arithmetic wraps, as in Java; a long literal or property widens it first.
        assertEquals(Integer.MIN_VALUE, value("i + 1", "i", Integer.MAX_VALUE));
        assertEquals(2147483648L, value("i + 1L", "i", Integer.MAX_VALUE));
    }

    @Test
    void arithmeticOnNullIsNullAndComparesUnknown() {
        assertNull(value("a + 1"));
        assertNull(value("-a"));
        assertNull(value("a * b", "a", 2));
        assertNull(truth("a + 1 > 0"));
        assertNull(truth("NOT (a + 1 > 0)"));
    }

    @Test
    void arithmeticOnNonNumbersIsUnknownNeverAnException() {
        assertNull(value("s + 1", "s", "1"));
        assertNull(value("-s", "s", "1"));
        assertNull(value("+flag", "flag", true));
        assertNull(value("flag * 2", "flag", true));
        assertNull(truth("s + 1 = 2", "s", "1"));
        assertFalse(matches("NOT (s + 1 = 2)", "s", "1"));
    }

    @Test
    void divisionByZero() {
        // Integer division by zero would throw in Java: UNKNOWN instead.
        assertNull(value("i / 0", "i", 1));
        assertNull(value("l / z", "l", 1L, "z", 0L));
        assertNull(truth("i / 0 = 0", "i", 1));
        // Floating-point division follows IEEE 754, as Java does.
        assertEquals(Double.POSITIVE_INFINITY, value("i / 0.0", "i", 1));
        assertEquals(Float.NEGATIVE_INFINITY, value("f / 0", "f", -1.0f));
        assertTrue(Double.isNaN((Double) value("d / 0", "d", 0.0)));
        assertTrue(matches("i / 0.0 > 1E308", "i", 1));
    }
}
