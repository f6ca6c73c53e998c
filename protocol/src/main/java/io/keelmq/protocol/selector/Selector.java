package io.keelmq.protocol.selector;

import io.keelmq.protocol.selector.Expression.And;
import io.keelmq.protocol.selector.Expression.Comparison;
import io.keelmq.protocol.selector.Expression.ComparisonOperator;
import io.keelmq.protocol.selector.Expression.Identifier;
import io.keelmq.protocol.selector.Expression.In;
import io.keelmq.protocol.selector.Expression.Literal;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * A compiled Jakarta Messaging message selector (spec 3.8.1).
 *
 * <pre>
 * Selector s = Selector.parse("JMSType = 'car' AND color = 'blue' AND weight > 2500");
 * if (s.matches(SelectorContext.of(properties))) { ... }
 * </pre>
 *
 * A selector matches a message only when it evaluates to TRUE; FALSE and UNKNOWN (from NULL
 * values or type mismatches) do not match. Instances are immutable and thread-safe: the broker
 * compiles a selector once and evaluates it from any number of threads. Two selectors are
 * equal when their texts are equal.
 */
public final class Selector {

    /** "No selector": the selector of a consumer created with a null or empty selector. */
    public static final Selector MATCH_ALL = new Selector("", null);

    private final String text;
    /** Null only for {@link #MATCH_ALL}. */
    private final Expression root;

    private Selector(String text, Expression root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Compiles a selector.
     *
     * @param text the selector; null, empty or only whitespace means no selector (spec 3.8.1.1:
     *             an empty selector is treated as null) and yields {@link #MATCH_ALL}
     * @throws SelectorParseException if the selector is syntactically incorrect or statically
     *                                invalid; the provider reports it as InvalidSelectorException
     */
    public static Selector parse(String text) throws SelectorParseException {
        if (text == null || Lexer.isBlank(text)) {
            return MATCH_ALL;
        }
        return new Selector(text, Parser.parse(text));
    }

    /** Whether the message whose header fields and properties {@code context} supplies is selected. */
    public boolean matches(SelectorContext context) {
        return root == null || Boolean.TRUE.equals(Evaluator.condition(root, context));
    }

    /** The selector as given to {@link #parse(String)}; the empty string for {@link #MATCH_ALL}. */
    public String text() {
        return text;
    }

    /** True for {@link #MATCH_ALL}, i.e. when there is no selector. */
    public boolean isMatchAll() {
        return root == null;
    }

    /**
     * For filtering on a single property before a message is read (tag filtering from the
     * consume queue): when the whole selector is {@code identifier = 'x'} (either way round),
     * or {@code identifier IN ('x', 'y', ...)}, returns the string literals; the selector then
     * matches a message if and only if the identifier's value is a String in the returned set.
     * Otherwise, including for names that are always NULL (see {@link SelectorContext}),
     * returns empty and the selector must be evaluated in full.
     *
     * @return an unmodifiable set, or empty
     */
    public Optional<Set<String>> equalityValuesOf(String identifier) {
        return equalityValuesOf(root, identifier);
    }

    /**
     * A necessary condition on one property, for skipping messages before they are read: when the selector is
     * {@code identifier = 'x'} or {@code identifier IN (...)} as in {@link #equalityValuesOf}, or a conjunction
     * ({@code AND}, at any depth of nested conjunctions) with at least one such operand, returns the values the
     * identifier must have (the intersection when several operands constrain it). A message whose identifier is not
     * a String in the set is certainly not selected; one whose identifier is in the set may still be rejected by the
     * rest of the selector, which must then be evaluated in full. Empty when the selector constrains the identifier
     * in no such way (an {@code OR}, a {@code NOT}, a comparison other than equality with a string literal).
     *
     * @return an unmodifiable set (possibly empty: nothing can match), or empty
     */
    public Optional<Set<String>> requiredValuesOf(String identifier) {
        return requiredValuesOf(root, identifier);
    }

    private static Optional<Set<String>> requiredValuesOf(Expression expression, String identifier) {
        if (!(expression instanceof And)) {
            return equalityValuesOf(expression, identifier);
        }
        Set<String> required = null;
        for (Expression operand : ((And) expression).operands) {
            Optional<Set<String>> values = requiredValuesOf(operand, identifier);
            if (values.isPresent()) {
                if (required == null) {
                    required = new HashSet<>(values.get());
                } else {
                    required.retainAll(values.get());
                }
            }
        }
        return required == null ? Optional.empty() : Optional.of(Set.copyOf(required));
    }

    private static Optional<Set<String>> equalityValuesOf(Expression root, String identifier) {
        if (root instanceof In) {
            In in = (In) root;
            if (!in.negated && names(in.identifier, identifier)) {
                return Optional.of(in.values);
            }
        } else if (root instanceof Comparison) {
            Comparison c = (Comparison) root;
            if (c.operator == ComparisonOperator.EQ) {
                if (names(c.left, identifier) && isString(c.right)) {
                    return Optional.of(Set.of((String) ((Literal) c.right).value));
                }
                if (names(c.right, identifier) && isString(c.left)) {
                    return Optional.of(Set.of((String) ((Literal) c.left).value));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean names(Expression expression, String identifier) {
        return expression instanceof Identifier
                && !((Identifier) expression).alwaysNull
                && ((Identifier) expression).name.equals(identifier);
    }

    private static boolean isString(Expression expression) {
        return expression instanceof Literal && ((Literal) expression).value instanceof String;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Selector && ((Selector) other).text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
