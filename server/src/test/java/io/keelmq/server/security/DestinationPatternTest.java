package io.keelmq.server.security;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DestinationPatternTest {

    private static boolean matches(String pattern, String name) {
        return DestinationPattern.parse(pattern).matches(name);
    }

    @Test
    void starIsExactlyOneWord() {
        assertTrue(matches("orders.*", "orders.eu"));
        assertFalse(matches("orders.*", "orders"));
        assertFalse(matches("orders.*", "orders.eu.new"));
        assertTrue(matches("*.new", "orders.new"));
        assertFalse(matches("orders.*", "ordersX.eu"));
    }

    @Test
    void hashIsAnyNumberOfWordsIncludingNone() {
        assertTrue(matches("#", "anything"));
        assertTrue(matches("#", "a.b.c"));
        assertTrue(matches("orders.#", "orders"));
        assertTrue(matches("orders.#", "orders.eu.new"));
        assertFalse(matches("orders.#", "billing.eu"));
        assertTrue(matches("orders.#.new", "orders.new"));
        assertTrue(matches("orders.#.new", "orders.eu.x.new"));
        assertFalse(matches("orders.#.new", "orders.eu.old"));
        assertTrue(matches("#.#.#.#.#.#.#.x", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.x"));
    }

    @Test
    void literalWordsMatchThemselvesOnly() {
        assertTrue(matches("orders", "orders"));
        assertFalse(matches("orders", "orders.eu"));
        assertFalse(matches("orders", "Orders"));
    }

    @Test
    void malformedPatternsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DestinationPattern.parse("orders..eu"))
                .getMessage().contains("empty word"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DestinationPattern.parse("orders.eu*"))
                .getMessage().contains("mixes a wildcard"));
        assertThrows(IllegalArgumentException.class, () -> DestinationPattern.parse(""));
        assertThrows(IllegalArgumentException.class, () -> DestinationPattern.parse(".orders"));
    }

    @Test
    void mostSpecificFirst() {
        List<String> expected = List.of("orders.eu.new", "orders.eu.*", "orders.*.new", "orders.*", "orders",
                "orders.#", "#");
        List<DestinationPattern> patterns = new ArrayList<>();
        for (int i = expected.size() - 1; i >= 0; i--) {
            patterns.add(DestinationPattern.parse(expected.get(i)));
        }
        patterns.sort((a, b) -> b.compareSpecificity(a));
        assertEquals(expected, patterns.stream().map(DestinationPattern::toString).toList());
    }
}
