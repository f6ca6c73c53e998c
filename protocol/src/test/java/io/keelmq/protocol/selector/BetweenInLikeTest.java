package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.matches;
import static io.keelmq.protocol.selector.TestMessages.truth;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** BETWEEN, IN, LIKE and IS NULL, with NULLs and values of the wrong type. */
class BetweenInLikeTest {

    @Test
    void betweenWithNullsFollowsTheSpecsEquivalence() {
        // a BETWEEN b AND c  ==  a >= b AND a <= c
        assertNull(truth("a BETWEEN 1 AND 3"));
        assertNull(truth("a NOT BETWEEN 1 AND 3"));
        assertNull(truth("a BETWEEN lo AND 3", "a", 2));
        assertEquals(Boolean.FALSE, truth("a BETWEEN lo AND 3", "a", 5));
        assertEquals(Boolean.FALSE, truth("a BETWEEN 3 AND hi", "a", 1));
        // a NOT BETWEEN b AND c  ==  a < b OR a > c
        assertEquals(Boolean.TRUE, truth("a NOT BETWEEN lo AND 3", "a", 5));
        assertNull(truth("a NOT BETWEEN lo AND 3", "a", 2));
        assertEquals(Boolean.TRUE, truth("a NOT BETWEEN 3 AND hi", "a", 1));
    }

    @Test
    void betweenWithExpressionsAndMixedTypes() {
        assertTrue(matches("a * 2 BETWEEN lo + 1 AND 10", "a", 3, "lo", 5));
        assertTrue(matches("d BETWEEN 1 AND 2", "d", 1.5));
        assertTrue(matches("b BETWEEN -1.5 AND 2L", "b", (byte) 2));
        assertFalse(matches("d BETWEEN 1 AND 2", "d", 2.0001));
        // An empty range, as in SQL, contains nothing.
        assertFalse(matches("a BETWEEN 3 AND 1", "a", 2));
        assertTrue(matches("a NOT BETWEEN 3 AND 1", "a", 2));
    }

    @Test
    void betweenOnAStringIsFalseBothWays() {
        assertEquals(Boolean.FALSE, truth("s BETWEEN 1 AND 3", "s", "2"));
        assertEquals(Boolean.FALSE, truth("s NOT BETWEEN 1 AND 3", "s", "2"));
    }

    @Test
    void inWithNullOrNonStringIsUnknown() {
        assertNull(truth("c IN ('UK', 'US')"));
        assertNull(truth("c NOT IN ('UK', 'US')"));
        assertNull(truth("c IN ('1', '2')", "c", 1));
        assertNull(truth("c NOT IN ('1', '2')", "c", 1));
        assertEquals(Boolean.TRUE, truth("c IN ('UK')", "c", "UK"));
        assertEquals(Boolean.FALSE, truth("c IN ('UK', 'US')", "c", "uk"));
        assertTrue(matches("c IN ('it''s', 'x')", "c", "it's"));
        assertTrue(matches("c IN ('')", "c", ""));
    }

    @Test
    void likeWildcards() {
        assertTrue(matches("s LIKE '%'", "s", ""));
        assertTrue(matches("s LIKE '%%'", "s", "anything"));
        assertFalse(matches("s LIKE '_'", "s", ""));
        assertTrue(matches("s LIKE '_'", "s", "x"));
        assertFalse(matches("s LIKE '_'", "s", "xy"));
        assertTrue(matches("s LIKE 'a%b%c'", "s", "aXXbYYc"));
        assertTrue(matches("s LIKE 'a%b%c'", "s", "abc"));
        assertFalse(matches("s LIKE 'a%b%c'", "s", "acb"));
        assertTrue(matches("s LIKE '%ab'", "s", "aab"));
        assertTrue(matches("s LIKE '%a_'", "s", "xxaax"));
        assertFalse(matches("s LIKE 'abc'", "s", "ABC"));
        assertTrue(matches("s LIKE 'a_%_c'", "s", "aXYc"));
        assertFalse(matches("s LIKE 'a_%_c'", "s", "aXc"));
        // '_' and '%' match line terminators too.
        assertTrue(matches("s LIKE 'a_b%'", "s", "a\nb\r\n"));
    }

    @Test
    void likeTreatsRegexMetacharactersLiterally() {
        assertTrue(matches("s LIKE 'a.c'", "s", "a.c"));
        assertFalse(matches("s LIKE 'a.c'", "s", "abc"));
        assertTrue(matches("s LIKE 'a*'", "s", "a*"));
        assertFalse(matches("s LIKE 'a*'", "s", "aaa"));
        assertTrue(matches("s LIKE '[ab]%'", "s", "[ab]x"));
        assertFalse(matches("s LIKE '[ab]%'", "s", "a"));
        assertTrue(matches("s LIKE '\\Q(x)+?$^|{1}\\E'", "s", "\\Q(x)+?$^|{1}\\E"));
    }

    @Test
    void likeEscape() {
        assertTrue(matches("s LIKE '100!%' ESCAPE '!'", "s", "100%"));
        assertFalse(matches("s LIKE '100!%' ESCAPE '!'", "s", "1000"));
        assertTrue(matches("s LIKE 'a!_b' ESCAPE '!'", "s", "a_b"));
        assertFalse(matches("s LIKE 'a!_b' ESCAPE '!'", "s", "axb"));
        // The escape character escapes itself.
        assertTrue(matches("s LIKE 'a!!b' ESCAPE '!'", "s", "a!b"));
        assertTrue(matches("s LIKE 'a\\\\%' ESCAPE '\\'", "s", "a\\xyz"));
        assertFalse(matches("s LIKE 'a\\\\%' ESCAPE '\\'", "s", "axyz"));
        // Escape characters that are regex metacharacters, or a quote, or a wildcard.
        assertTrue(matches("s LIKE '.%..' ESCAPE '.'", "s", "%."));
        assertFalse(matches("s LIKE '.%..' ESCAPE '.'", "s", "x."));
        assertTrue(matches("s LIKE 'x''%' ESCAPE ''''", "s", "x%"));
        assertTrue(matches("s LIKE '%%a_' ESCAPE '%'", "s", "%a!"));
        assertFalse(matches("s LIKE '%%a_' ESCAPE '%'", "s", "b%a!"));
        // Without ESCAPE, a backslash is an ordinary character.
        assertTrue(matches("s LIKE '\\_%'", "s", "\\_x"));
        assertFalse(matches("s LIKE '\\_%'", "s", "_x"));
    }

    @Test
    void likeWithNullOrNonStringIsUnknown() {
        assertNull(truth("s LIKE 'a%'"));
        assertNull(truth("s NOT LIKE 'a%'"));
        assertNull(truth("s LIKE '1%'", "s", 12));
        assertNull(truth("s NOT LIKE '1%'", "s", 12));
    }

    @Test
    void likeCountsCodePointsNotChars() {
        String clef = new String(Character.toChars(0x1D11E));
        assertTrue(matches("s LIKE 'a_b'", "s", "a" + clef + "b"));
        assertTrue(matches("s LIKE '" + clef + "%'", "s", clef + "xyz"));
        assertTrue(matches("s LIKE 'a" + clef + "_' ESCAPE '" + clef + "'", "s", "a_"));
    }

    @Test
    void likeStaysFastOnPathologicalPatterns() {
        // Exponential for a backtracking regex; linear-times-pattern for the hand matcher.
        String subject = "a".repeat(20_000);
        assertFalse(matches("s LIKE '%a%a%a%a%a%a%a%a%b'", "s", subject));
        assertTrue(matches("s LIKE '%a%a%a%a%a%a%a%a%'", "s", subject));
    }
}
