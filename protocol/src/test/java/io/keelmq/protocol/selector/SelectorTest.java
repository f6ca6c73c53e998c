package io.keelmq.protocol.selector;

import static io.keelmq.protocol.selector.TestMessages.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

/** The public API: parsing, matching, MATCH_ALL, equality analysis and nesting limits. */
class SelectorTest {

    @Test
    void noSelectorMatchesEverything() throws Exception {
        assertSame(Selector.MATCH_ALL, Selector.parse(null));
        assertSame(Selector.MATCH_ALL, Selector.parse(""));
        assertSame(Selector.MATCH_ALL, Selector.parse(" \t\r\n\f"));
        assertTrue(Selector.MATCH_ALL.isMatchAll());
        assertEquals("", Selector.MATCH_ALL.text());
        assertTrue(Selector.MATCH_ALL.matches(message()));
        assertTrue(Selector.MATCH_ALL.matches(name -> {
            throw new AssertionError("MATCH_ALL must not read the message");
        }));
    }

    @Test
    void parsedSelectorKeepsItsText() throws Exception {
        Selector selector = Selector.parse("  color = 'red' ");
        assertFalse(selector.isMatchAll());
        assertEquals("  color = 'red' ", selector.text());
        assertEquals("  color = 'red' ", selector.toString());
        assertTrue(selector.matches(SelectorContext.of(Map.of("color", "red"))));
        assertFalse(selector.matches(SelectorContext.of(Map.of("color", "blue"))));
        assertFalse(selector.matches(SelectorContext.of(Map.of())));
    }

    @Test
    void equalityIsByText() throws Exception {
        assertEquals(Selector.parse("a = 1"), Selector.parse("a = 1"));
        assertEquals(Selector.parse("a = 1").hashCode(), Selector.parse("a = 1").hashCode());
        assertNotEquals(Selector.parse("a = 1"), Selector.parse("a=1"));
        assertNotEquals(Selector.MATCH_ALL, Selector.parse("TRUE"));
    }

    @Test
    void selectorCanBeAPlainBooleanIdentifierOrLiteral() throws Exception {
        assertTrue(Selector.parse("urgent").matches(message("urgent", true)));
        assertFalse(Selector.parse("urgent").matches(message("urgent", false)));
        assertFalse(Selector.parse("urgent").matches(message("urgent", "true")));
        assertTrue(Selector.parse("TRUE").matches(message()));
        assertFalse(Selector.parse("FALSE").matches(message()));
        assertTrue(Selector.parse("((urgent))").matches(message("urgent", true)));
    }

    @Test
    void onlyTheIdentifiersUsedAreRead() throws Exception {
        List<String> asked = new java.util.ArrayList<>();
        Selector.parse("a = 1 AND (b IS NULL OR c LIKE 'x%')").matches(name -> {
            asked.add(name);
            return name.equals("a") ? 1 : null;
        });
        assertEquals(List.of("a", "b"), asked);
    }

    @Test
    void equalityValuesOfAnEqualityOrInSelector() throws Exception {
        assertEquals(Optional.of(Set.of("x")), Selector.parse("tag = 'x'").equalityValuesOf("tag"));
        assertEquals(Optional.of(Set.of("x")), Selector.parse("'x' = tag").equalityValuesOf("tag"));
        assertEquals(Optional.of(Set.of("x")), Selector.parse("(tag = 'x')").equalityValuesOf("tag"));
        assertEquals(Optional.of(Set.of("a", "b")), Selector.parse("tag IN ('a', 'b', 'a')").equalityValuesOf("tag"));
        assertEquals(Optional.of(Set.of("it's")),
                Selector.parse("JMS_Keel_Tag = 'it''s'").equalityValuesOf("JMS_Keel_Tag"));
    }

    @Test
    void noEqualityValuesOtherwise() throws Exception {
        for (String text : List.of("tag = 'x' AND a = 1", "tag <> 'x'", "tag NOT IN ('a')", "tag = 1",
                "tag = other", "tag LIKE 'x'", "other = 'x'", "TAG = 'x'", "NOT tag = 'x'",
                "tag = 'x' OR tag = 'y'", "JMSDestination = 'x'")) {
            Selector selector = Selector.parse(text);
            String name = text.startsWith("JMSDestination") ? "JMSDestination" : "tag";
            assertEquals(Optional.empty(), selector.equalityValuesOf(name), text);
        }
        assertEquals(Optional.empty(), Selector.MATCH_ALL.equalityValuesOf("tag"));
    }

    @Test
    void requiredValuesOfAConjunctionWithATagOperand() throws Exception {
        assertEquals(Optional.of(Set.of("x")), Selector.parse("tag = 'x'").requiredValuesOf("tag"));
        assertEquals(Optional.of(Set.of("a", "b")),
                Selector.parse("size > 3 AND tag IN ('a', 'b')").requiredValuesOf("tag"));
        assertEquals(Optional.of(Set.of("b")),
                Selector.parse("tag IN ('a', 'b') AND (x = 1 AND 'b' = tag)").requiredValuesOf("tag"));
        assertEquals(Optional.of(Set.of()), Selector.parse("tag = 'a' AND tag = 'b'").requiredValuesOf("tag"));
        for (String text : List.of("tag = 'x' OR a = 1", "NOT (tag = 'x' AND a = 1)", "a = 1 AND b = 2",
                "tag <> 'x' AND a = 1", "(tag = 'x' OR tag = 'y') AND a = 1")) {
            assertEquals(Optional.empty(), Selector.parse(text).requiredValuesOf("tag"), text);
        }
        assertEquals(Optional.empty(), Selector.MATCH_ALL.requiredValuesOf("tag"));
    }

    @Test
    void equalityValuesAreUnmodifiable() throws Exception {
        Set<String> values = Selector.parse("tag IN ('a')").equalityValuesOf("tag").orElseThrow();
        assertThrows(UnsupportedOperationException.class, () -> values.add("b"));
    }

    @Test
    void deepNestingIsAParseErrorNotAStackOverflow() {
        String parens = "(".repeat(10_000) + "a" + ")".repeat(10_000);
        SelectorParseException e = assertThrows(SelectorParseException.class, () -> Selector.parse(parens));
        assertTrue(e.getMessage().contains("nested more than " + Parser.MAX_DEPTH), e.getMessage());
        assertEquals(Parser.MAX_DEPTH, e.getPosition());

        assertThrows(SelectorParseException.class, () -> Selector.parse("NOT ".repeat(10_000) + "a"));
        assertThrows(SelectorParseException.class, () -> Selector.parse("-".repeat(10_000) + "a = 1"));
        assertThrows(SelectorParseException.class, () -> Selector.parse("a" + " + 1".repeat(1_000) + " = 1"));
    }

    @Test
    void nestingWithinTheLimitIsAccepted() throws Exception {
        int depth = Parser.MAX_DEPTH - 10;
        assertTrue(Selector.parse("(".repeat(depth) + "a" + ")".repeat(depth)).matches(message("a", true)));
        assertTrue(Selector.parse("NOT ".repeat(depth) + "a").matches(message("a", true)));
    }

    @Test
    void longAndOrChainsAreFlat() throws Exception {
        String ors = IntStream.range(0, 10_000).mapToObj(i -> "id = " + i).collect(Collectors.joining(" OR "));
        Selector selector = Selector.parse(ors);
        assertTrue(selector.matches(message("id", 9_999)));
        assertFalse(selector.matches(message("id", 10_000)));
        String ands = IntStream.range(0, 10_000).mapToObj(i -> "p" + i + " IS NULL").collect(Collectors.joining(" AND "));
        assertTrue(Selector.parse(ands).matches(message()));
        assertFalse(Selector.parse(ands).matches(message("p9999", 1)));
    }
}
