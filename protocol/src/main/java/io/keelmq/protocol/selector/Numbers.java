package io.keelmq.protocol.selector;

import io.keelmq.protocol.selector.Expression.ArithmeticOperator;
import io.keelmq.protocol.selector.Expression.ComparisonOperator;

/**
 * Arithmetic and numeric comparison with Java binary numeric promotion (JLS 5.6), which the
 * spec prescribes: if either operand is a double the other becomes a double, else if either is
 * a float both are floats, else if either is a long both are longs, else both are ints (so
 * byte + byte is an int, and 0.1F = 0.1 is false, exactly as in Java).
 */
final class Numbers {

    /** The promoted kinds, ordered so that the wider of two is the larger. */
    private enum Kind { INT, LONG, FLOAT, DOUBLE }

    private Numbers() {
    }

    /** True for the six numeric property types of JMS; other {@link Number}s are not numeric here. */
    static boolean isNumeric(Object value) {
        return kindOf(value) != null;
    }

    private static Kind kindOf(Object value) {
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Kind.INT;
        }
        if (value instanceof Long) {
            return Kind.LONG;
        }
        if (value instanceof Double) {
            return Kind.DOUBLE;
        }
        if (value instanceof Float) {
            return Kind.FLOAT;
        }
        return null;
    }

    private static Kind promote(Object a, Object b) {
        Kind ka = kindOf(a);
        Kind kb = kindOf(b);
        return ka.compareTo(kb) >= 0 ? ka : kb;
    }

    /** Unary minus after unary promotion; null when the operand is not numeric. */
    static Number negate(Object operand) {
        Kind kind = kindOf(operand);
        if (kind == null) {
            return null;
        }
        Number n = (Number) operand;
        switch (kind) {
            case INT:
                return -n.intValue();
            case LONG:
                return -n.longValue();
            case FLOAT:
                return -n.floatValue();
            default:
                return -n.doubleValue();
        }
    }

    /** Unary plus: only unary promotion (a byte becomes an int); null when not numeric. */
    static Number plus(Object operand) {
        Kind kind = kindOf(operand);
        if (kind == null) {
            return null;
        }
        return kind == Kind.INT ? Integer.valueOf(((Number) operand).intValue()) : (Number) operand;
    }

    /**
     * @return the result in the promoted type, or null (SQL NULL / UNKNOWN) when an operand is
     *         not numeric, or for an integer division by zero, where Java would throw
     */
    static Number apply(ArithmeticOperator operator, Object left, Object right) {
        if (!isNumeric(left) || !isNumeric(right)) {
            return null;
        }
        Number a = (Number) left;
        Number b = (Number) right;
        switch (promote(left, right)) {
            case INT: {
                int x = a.intValue();
                int y = b.intValue();
                switch (operator) {
                    case ADD:
                        return x + y;
                    case SUBTRACT:
                        return x - y;
                    case MULTIPLY:
                        return x * y;
                    default:
                        return y == 0 ? null : x / y;
                }
            }
            case LONG: {
                long x = a.longValue();
                long y = b.longValue();
                switch (operator) {
                    case ADD:
                        return x + y;
                    case SUBTRACT:
                        return x - y;
                    case MULTIPLY:
                        return x * y;
                    default:
                        return y == 0 ? null : x / y;
                }
            }
            case FLOAT: {
                float x = a.floatValue();
                float y = b.floatValue();
                switch (operator) {
                    case ADD:
                        return x + y;
                    case SUBTRACT:
                        return x - y;
                    case MULTIPLY:
                        return x * y;
                    default:
                        return x / y;
                }
            }
            default: {
                double x = a.doubleValue();
                double y = b.doubleValue();
                switch (operator) {
                    case ADD:
                        return x + y;
                    case SUBTRACT:
                        return x - y;
                    case MULTIPLY:
                        return x * y;
                    default:
                        return x / y;
                }
            }
        }
    }

    /**
     * Compares two numeric values as Java's relational operators would after promotion; in
     * particular NaN is unequal to everything (so NaN &lt;&gt; NaN is true).
     */
    static boolean compare(ComparisonOperator operator, Object left, Object right) {
        Number a = (Number) left;
        Number b = (Number) right;
        switch (promote(left, right)) {
            case INT:
            case LONG:
                return test(operator, Long.compare(a.longValue(), b.longValue()));
            case FLOAT:
                return compareFloating(operator, a.floatValue(), b.floatValue());
            default:
                return compareFloating(operator, a.doubleValue(), b.doubleValue());
        }
    }

    /** Takes doubles; a float widens to a double exactly, so float comparisons are unchanged. */
    private static boolean compareFloating(ComparisonOperator operator, double x, double y) {
        switch (operator) {
            case EQ:
                return x == y;
            case NE:
                return x != y;
            case LT:
                return x < y;
            case LE:
                return x <= y;
            case GT:
                return x > y;
            default:
                return x >= y;
        }
    }

    private static boolean test(ComparisonOperator operator, int cmp) {
        switch (operator) {
            case EQ:
                return cmp == 0;
            case NE:
                return cmp != 0;
            case LT:
                return cmp < 0;
            case LE:
                return cmp <= 0;
            case GT:
                return cmp > 0;
            default:
                return cmp >= 0;
        }
    }
}
