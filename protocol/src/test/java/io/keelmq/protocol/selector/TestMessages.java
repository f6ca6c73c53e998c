package io.keelmq.protocol.selector;

import java.util.HashMap;
import java.util.Map;

/** Builds selector contexts and evaluates selectors for the tests. */
final class TestMessages {

    private TestMessages() {
    }

    /** A context from name/value pairs; a null value stands for an absent property. */
    static SelectorContext message(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must come in pairs");
        }
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return SelectorContext.of(values);
    }

    static boolean matches(String selector, Object... namesAndValues) {
        try {
            return Selector.parse(selector).matches(message(namesAndValues));
        } catch (SelectorParseException e) {
            throw new AssertionError("selector should be valid: " + selector, e);
        }
    }

    /** The three-valued result: TRUE, FALSE or null for UNKNOWN. */
    static Boolean truth(String selector, Object... namesAndValues) {
        return Evaluator.condition(tree(selector), message(namesAndValues));
    }

    /** The value of an arithmetic expression, wrapped as "expr = expr" would hide it. */
    static Object value(String expression, Object... namesAndValues) {
        Expression.Comparison comparison = (Expression.Comparison) tree("(" + expression + ") = 0");
        return Evaluator.evaluate(comparison.left, message(namesAndValues));
    }

    static Expression tree(String selector) {
        try {
            return Parser.parse(selector);
        } catch (SelectorParseException e) {
            throw new AssertionError("selector should be valid: " + selector, e);
        }
    }
}
