package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.matches;
import static io.keelmq.protocol.selector.TestMessages.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Literal syntax and types, whitespace, reserved words and identifiers. */
class LiteralAndLexicalTest {

    /** The value of a literal as the parser builds it (a leading '-' is folded in). */
    private static Object literal(String text) {
        Expression.Comparison c = (Expression.Comparison) tree("x = " + text);
        return ((Expression.Literal) c.right).value;
    }

    @Test
    void exactLiteralsAreIntOrLongAsInJava() {
        assertEquals(57, literal("57"));
        assertEquals(57L, literal("57L"));
        assertEquals(57L, literal("57l"));
        assertEquals(0, literal("0"));
        assertEquals(Integer.MAX_VALUE, literal("2147483647"));
        assertEquals(Integer.MIN_VALUE, literal("-2147483648"));
        // Past int range without a suffix: the spec supports the long range.
        assertEquals(2147483648L, literal("2147483648"));
        assertEquals(Long.MAX_VALUE, literal("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, literal("-9223372036854775808"));
        assertEquals(Long.MIN_VALUE, literal("-9223372036854775808L"));
        assertEquals(1_000_000, literal("1_000_000"));
    }

    @Test
    void hexOctalAndBinaryLiterals() {
        assertEquals(31, literal("0x1F"));
        assertEquals(Integer.MAX_VALUE, literal("0X7fffffff"));
        assertEquals(-1, literal("0xFFFFFFFF"));
        assertEquals(0xFFFFFFFFL, literal("0xFFFFFFFFL"));
        assertEquals(-1L, literal("0xFFFFFFFFFFFFFFFFL"));
        assertEquals(0x1_0000_0000L, literal("0x1_0000_0000"));
        assertEquals(15, literal("017"));
        assertEquals(0, literal("00"));
        assertEquals(7, literal("0_7"));
        assertEquals(5, literal("0b101"));
        assertEquals(-5L, literal("-0B101L"));
        // In a hex literal 'e' is a digit, so this is 0x1e minus 2.
        assertTrue(matches("0x1e-2 = 28"));
    }

    @Test
    void approximateLiterals() {
        assertEquals(7000.0, literal("7E3"));
        assertEquals(-5790.0, literal("-57.9E2"));
        assertEquals(0.025, literal("2.5e-2"));
        assertEquals(100.0, literal("1e+2"));
        assertEquals(-57.9, literal("-57.9"));
        assertEquals(7.0, literal("7."));
        assertEquals(0.5, literal(".5"));
        assertEquals(9.5, literal("09.5"));
        assertEquals(10.5, literal("1_0.5"));
        assertEquals(1.0, literal("1D"));
        assertEquals(3.0, literal("3d"));
        assertEquals(2.5f, literal("2.5F"));
        assertEquals(1.0f, literal("1f"));
        assertEquals(-0.5f, literal("-.5e0f"));
        assertEquals(3.0, literal("0x1.8p1"));
        assertEquals(0.25f, literal("0x1p-2f"));
        assertEquals(Double.MIN_VALUE, literal("4.9e-324"));
        assertEquals(0.0, literal("0e99"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TRUE", "true", "True", "tRuE"})
    void booleanLiteralsAreCaseInsensitive(String spelling) {
        assertEquals(Boolean.TRUE, literal(spelling));
        assertEquals(Boolean.FALSE, literal(spelling.replaceAll("(?i)true", "false")));
    }

    @Test
    void stringLiterals() {
        assertEquals("it's", literal("'it''s'"));
        assertEquals("", literal("''"));
        assertEquals("'", literal("''''"));
        // Java backslash escapes do not apply: these are two characters.
        assertEquals("\\n", literal("'\\n'"));
        assertEquals("日本 AND x", literal("'日本 AND x'"));
        assertEquals("line\nbreak", literal("'line\nbreak'"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "a between 1 and 2",
        "a Between 1 And 2",
        "a not between 5 and 6",
        "c in ('x')",
        "c not in ('y')",
        "c like 'x%' escape '!'",
        "c NoT LiKe 'y%'",
        "d is null",
        "c Is Not Null",
        "not (c = 'y') and a = 1 or FALSE",
    })
    void reservedWordsAreCaseInsensitive(String selector) {
        assertTrue(matches(selector, "a", 1, "c", "x"));
    }

    @Test
    void identifiers() {
        assertTrue(matches("größe > 1", "größe", 2));
        assertTrue(matches("$price < 1", "$price", 0));
        assertTrue(matches("_x = 1", "_x", 1));
        assertTrue(matches("a1b2 = 1", "a1b2", 1));
        assertTrue(matches("日本 = 'x'", "日本", "x"));
        // Names that merely contain or resemble reserved words are identifiers.
        assertTrue(matches("Android = 1 AND inn = 2 AND ISO = 3 AND nullable = 4 AND ORDER = 5 AND isnull = 6",
                "Android", 1, "inn", 2, "ISO", 3, "nullable", 4, "ORDER", 5, "isnull", 6));
        // Only ASCII case is ignored in reserved words: dotless i + n is not IN.
        assertTrue(matches("\u0131n = 1", "\u0131n", 1));
    }

    @Test
    void javaWhitespaceOnly() {
        assertTrue(matches("\ta\f=\r\n1\n", "a", 1));
        assertThrows(SelectorParseException.class, () -> Selector.parse("a\u00A0= 1"));
        assertThrows(SelectorParseException.class, () -> Selector.parse("a =\u2003 1"));
    }

    @ParameterizedTest(name = "{0} is not a literal operand")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "x = 1e400        | too large",
        "x = 1e-400       | too small",
        "x = 3.5e38f      | too large",
        "x = 9223372036854775808 | outside the range",
        "x = -9223372036854775809 | outside the range",
        "x = 0x1_0000_0000_0000_0000L | 64 bits",
        "x = 08           | Malformed",
        "x = 1__          | Malformed",
        "x = 1.2.3        | Malformed",
        "x = 0x           | Malformed",
        "x = 12abc        | Malformed",
        "x = 1e           | Malformed",
        "x = 0x1.0        | Malformed",
    })
    void badNumbers(String selector, String problem) {
        SelectorParseException e = assertThrows(SelectorParseException.class, () -> Selector.parse(selector));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(4, e.getPosition());
    }

    @Test
    void numberNextToOperatorsNeedsNoSpace() {
        assertTrue(matches("a=1+2*3", "a", 7));
        assertTrue(matches("a<>1e2-1", "a", 7));
        assertFalse(matches("a>=(2)", "a", 1));
    }
}
