package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.matches;
import static io.keelmq.protocol.selector.TestMessages.truth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tables 3-4, 3-5 and 3-6, reached through properties that are TRUE, FALSE or absent. */
class ThreeValuedLogicTest {

    private static Boolean truthValue(String letter) {
        switch (letter) {
            case "T":
                return Boolean.TRUE;
            case "F":
                return Boolean.FALSE;
            default:
                return null;
        }
    }

    @ParameterizedTest(name = "{0} AND {1} = {2}, {0} OR {1} = {3}")
    @CsvSource({
        "T, T, T, T",
        "T, F, F, T",
        "T, U, U, T",
        "F, T, F, T",
        "F, F, F, F",
        "F, U, F, U",
        "U, T, U, T",
        "U, F, F, U",
        "U, U, U, U",
    })
    void andOrTables(String a, String b, String and, String or) {
        Object[] message = {"a", truthValue(a), "b", truthValue(b)};
        assertEquals(truthValue(and), truth("a AND b", message));
        assertEquals(truthValue(or), truth("a OR b", message));
        // The same through comparisons, where UNKNOWN comes from a NULL operand.
        Object[] numbers = {"x", a.equals("U") ? null : (a.equals("T") ? 1 : 0),
            "y", b.equals("U") ? null : (b.equals("T") ? 1 : 0)};
        assertEquals(truthValue(and), truth("x = 1 AND y = 1", numbers));
        assertEquals(truthValue(or), truth("x = 1 OR y = 1", numbers));
    }

    @ParameterizedTest(name = "NOT {0} = {1}")
    @CsvSource({"T, F", "F, T", "U, U"})
    void notTable(String a, String not) {
        assertEquals(truthValue(not), truth("NOT a", "a", truthValue(a)));
    }

    @Test
    void onlyTrueMatches() {
        assertFalse(matches("a"));
        assertFalse(matches("NOT a"));
        assertFalse(matches("a = 1"));
        assertFalse(matches("NOT (a = 1)"));
        assertFalse(matches("a <> 1"));
        assertTrue(matches("a = 1 OR TRUE"));
        assertFalse(matches("a = 1 AND TRUE"));
    }

    @Test
    void chainsOfThreeAndMore() {
        assertNull(truth("a AND b AND c", "a", true, "b", null, "c", true));
        assertEquals(Boolean.FALSE, truth("a AND b AND c", "a", null, "b", true, "c", false));
        assertEquals(Boolean.TRUE, truth("a OR b OR c", "a", null, "b", false, "c", true));
        assertNull(truth("a OR b OR c", "a", false, "b", null, "c", false));
    }

    @Test
    void nonBooleanConditionIsUnknown() {
        assertNull(truth("a", "a", 1));
        assertNull(truth("a", "a", "true"));
        assertNull(truth("NOT a", "a", "true"));
        assertEquals(Boolean.FALSE, truth("a AND FALSE", "a", 1));
        assertEquals(Boolean.TRUE, truth("a OR TRUE", "a", 1));
    }

    @Test
    void isNullTurnsUnknownIntoTruthValues() {
        assertEquals(Boolean.TRUE, truth("a IS NULL OR a = 1"));
        assertEquals(Boolean.FALSE, truth("a IS NOT NULL AND a = 1"));
        assertEquals(Boolean.TRUE, truth("NOT (a IS NOT NULL)"));
    }
}
