package io.keelmq.protocol.selector;

import io.keelmq.protocol.selector.Expression.And;
import io.keelmq.protocol.selector.Expression.Arithmetic;
import io.keelmq.protocol.selector.Expression.Between;
import io.keelmq.protocol.selector.Expression.Comparison;
import io.keelmq.protocol.selector.Expression.ComparisonOperator;
import io.keelmq.protocol.selector.Expression.Identifier;
import io.keelmq.protocol.selector.Expression.In;
import io.keelmq.protocol.selector.Expression.IsNull;
import io.keelmq.protocol.selector.Expression.Like;
import io.keelmq.protocol.selector.Expression.Literal;
import io.keelmq.protocol.selector.Expression.Not;
import io.keelmq.protocol.selector.Expression.Or;
import io.keelmq.protocol.selector.Expression.Unary;

/**
 * Evaluates a syntax tree against one message with SQL-92 NULL semantics (spec 3.8.1.2).
 *
 * <p>Values are {@link Boolean}, the JMS numeric types, {@link String}, or {@code null}, which
 * stands both for a NULL value and for the truth value UNKNOWN. Nothing here throws for a bad
 * message: a value of the wrong type where a number, string or condition is required gives
 * UNKNOWN, so one odd message can never disturb the broker's dispatch loop.
 *
 * <p>Stateless; the recursion depth is bounded by the parser's limit on tree depth.
 */
final class Evaluator {

    private Evaluator() {
    }

    /** The truth value of a condition: TRUE, FALSE, or null for UNKNOWN. */
    static Boolean condition(Expression expression, SelectorContext context) {
        Object value = evaluate(expression, context);
        // A non-boolean identifier used as a condition is a type error: UNKNOWN.
        return value instanceof Boolean ? (Boolean) value : null;
    }

    static Object evaluate(Expression expression, SelectorContext context) {
        if (expression instanceof Comparison) {
            Comparison c = (Comparison) expression;
            return compare(c.operator, evaluate(c.left, context), evaluate(c.right, context));
        }
        if (expression instanceof Identifier) {
            Identifier id = (Identifier) expression;
            return id.alwaysNull ? null : context.get(id.name);
        }
        if (expression instanceof Literal) {
            return ((Literal) expression).value;
        }
        if (expression instanceof And) {
            return and((And) expression, context);
        }
        if (expression instanceof Or) {
            return or((Or) expression, context);
        }
        if (expression instanceof Not) {
            return not(condition(((Not) expression).operand, context));
        }
        if (expression instanceof In) {
            In in = (In) expression;
            Object value = evaluate(in.identifier, context);
            // The spec requires a String (or NULL) identifier; anything else is a type error.
            if (!(value instanceof String)) {
                return null;
            }
            return in.values.contains(value) != in.negated;
        }
        if (expression instanceof Like) {
            Like like = (Like) expression;
            Object value = evaluate(like.identifier, context);
            if (!(value instanceof String)) {
                return null;
            }
            return like.pattern.matches((String) value) != like.negated;
        }
        if (expression instanceof IsNull) {
            IsNull isNull = (IsNull) expression;
            return (evaluate(isNull.identifier, context) == null) != isNull.negated;
        }
        if (expression instanceof Between) {
            return between((Between) expression, context);
        }
        if (expression instanceof Arithmetic) {
            Arithmetic a = (Arithmetic) expression;
            Object left = evaluate(a.left, context);
            Object right = evaluate(a.right, context);
            return Numbers.apply(a.operator, left, right);
        }
        if (expression instanceof Unary) {
            Unary u = (Unary) expression;
            Object operand = evaluate(u.operand, context);
            return u.negate ? Numbers.negate(operand) : Numbers.plus(operand);
        }
        throw new IllegalStateException("Unknown selector node " + expression.getClass().getName());
    }

    /**
     * Spec 3.8.1: NULL on either side gives UNKNOWN; exact and approximate numbers compare
     * after numeric promotion; strings and booleans compare only with = and &lt;&gt;; values
     * of different types are "not like" and the comparison is FALSE.
     */
    static Boolean compare(ComparisonOperator operator, Object left, Object right) {
        if (left == null || right == null) {
            return null;
        }
        if (Numbers.isNumeric(left) && Numbers.isNumeric(right)) {
            return Numbers.compare(operator, left, right);
        }
        boolean bothStrings = left instanceof String && right instanceof String;
        boolean bothBooleans = left instanceof Boolean && right instanceof Boolean;
        if (bothStrings || bothBooleans) {
            if (!operator.isEquality()) {
                // Only reachable through identifiers (literals are checked by the parser):
                // ordering strings or booleans is undefined, so UNKNOWN.
                return null;
            }
            return left.equals(right) == (operator == ComparisonOperator.EQ);
        }
        return Boolean.FALSE;
    }

    /**
     * Exactly the spec's equivalences: "a BETWEEN b AND c" is "a >= b AND a <= c" and
     * "a NOT BETWEEN b AND c" is "a < b OR a > c", each under three-valued logic, so a NULL
     * bound need not make the result UNKNOWN (5 BETWEEN NULL AND 3 is FALSE).
     */
    private static Boolean between(Between between, SelectorContext context) {
        Object value = evaluate(between.value, context);
        Object low = evaluate(between.low, context);
        Object high = evaluate(between.high, context);
        if (between.negated) {
            return or(compare(ComparisonOperator.LT, value, low), compare(ComparisonOperator.GT, value, high));
        }
        return and(compare(ComparisonOperator.GE, value, low), compare(ComparisonOperator.LE, value, high));
    }

    /** Table 3-4, left to right, stopping at the first FALSE. */
    private static Boolean and(And and, SelectorContext context) {
        Boolean result = Boolean.TRUE;
        for (Expression operand : and.operands) {
            result = and(result, condition(operand, context));
            if (Boolean.FALSE.equals(result)) {
                return Boolean.FALSE;
            }
        }
        return result;
    }

    /** Table 3-5, left to right, stopping at the first TRUE. */
    private static Boolean or(Or or, SelectorContext context) {
        Boolean result = Boolean.FALSE;
        for (Expression operand : or.operands) {
            result = or(result, condition(operand, context));
            if (Boolean.TRUE.equals(result)) {
                return Boolean.TRUE;
            }
        }
        return result;
    }

    /** Table 3-4 (AND); null is UNKNOWN. */
    static Boolean and(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return Boolean.FALSE;
        }
        return a == null || b == null ? null : Boolean.TRUE;
    }

    /** Table 3-5 (OR); null is UNKNOWN. */
    static Boolean or(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return Boolean.TRUE;
        }
        return a == null || b == null ? null : Boolean.FALSE;
    }

    /** Table 3-6 (NOT); null is UNKNOWN. */
    static Boolean not(Boolean a) {
        return a == null ? null : !a;
    }
}
