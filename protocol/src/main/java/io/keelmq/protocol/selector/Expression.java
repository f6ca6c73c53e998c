package io.keelmq.protocol.selector;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The syntax tree of a parsed selector. Nodes are immutable, so one tree can be evaluated by
 * many threads at once; {@link Evaluator} gives them meaning.
 *
 * <p>Every node knows its {@link Type static type} so that the parser can reject selectors
 * that are invalid whatever the message (such as {@code 'abc' + 1}), and its depth so that
 * the parser can bound the recursion of evaluation.
 *
 * <p>{@link #toString()} renders the node fully parenthesised, which shows how the parser
 * grouped it.
 */
abstract sealed class Expression {

    /** What kind of value a node yields, as far as is known before seeing a message. */
    enum Type {
        BOOLEAN, NUMERIC, STRING,
        /** An identifier: its type is that of the property value in each message. */
        ANY;

        boolean canBeCondition() {
            return this == BOOLEAN || this == ANY;
        }

        boolean canBeNumeric() {
            return this == NUMERIC || this == ANY;
        }
    }

    private final int depth;

    private Expression(Expression... children) {
        int deepest = 0;
        for (Expression child : children) {
            deepest = Math.max(deepest, child.depth);
        }
        this.depth = deepest + 1;
    }

    private Expression(List<Expression> children) {
        this(children.toArray(new Expression[0]));
    }

    /** Length of the longest path from this node to a leaf, counting both ends. */
    final int depth() {
        return depth;
    }

    abstract Type type();

    /** A string, numeric or boolean literal; never NULL, which is not a literal in JMS. */
    static final class Literal extends Expression {
        final Object value;

        Literal(Object value) {
            this.value = value;
        }

        @Override
        Type type() {
            if (value instanceof String) {
                return Type.STRING;
            }
            return value instanceof Boolean ? Type.BOOLEAN : Type.NUMERIC;
        }

        @Override
        public String toString() {
            if (value instanceof String) {
                return "'" + ((String) value).replace("'", "''") + "'";
            }
            if (value instanceof Long) {
                return value + "L";
            }
            if (value instanceof Float) {
                return value + "F";
            }
            if (value instanceof Boolean) {
                return (Boolean) value ? "TRUE" : "FALSE";
            }
            return String.valueOf(value);
        }
    }

    /** A reference to a header field or property. */
    static final class Identifier extends Expression {
        private static final Set<String> SELECTABLE_HEADERS = Set.of(
                SelectorContext.JMS_DELIVERY_MODE, SelectorContext.JMS_PRIORITY,
                SelectorContext.JMS_MESSAGE_ID, SelectorContext.JMS_TIMESTAMP,
                SelectorContext.JMS_CORRELATION_ID, SelectorContext.JMS_TYPE);

        final String name;
        /**
         * Spec 3.8.1 restricts header references to six fields; JMSX and JMS_ names are
         * properties and application property names do not begin with "JMS". Any other
         * JMS name (JMSDestination, JMSExpiration, ...) therefore refers to nothing a
         * message can carry, so it is NULL without asking the context.
         */
        final boolean alwaysNull;

        Identifier(String name) {
            this.name = name;
            this.alwaysNull = name.startsWith("JMS") && !name.startsWith("JMSX")
                    && !name.startsWith("JMS_") && !SELECTABLE_HEADERS.contains(name);
        }

        @Override
        Type type() {
            return Type.ANY;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    enum ArithmeticOperator {
        ADD("+"), SUBTRACT("-"), MULTIPLY("*"), DIVIDE("/");

        final String symbol;

        ArithmeticOperator(String symbol) {
            this.symbol = symbol;
        }
    }

    /** Unary minus (negate) or unary plus, which only applies numeric promotion. */
    static final class Unary extends Expression {
        final boolean negate;
        final Expression operand;

        Unary(boolean negate, Expression operand) {
            super(operand);
            this.negate = negate;
            this.operand = operand;
        }

        @Override
        Type type() {
            return Type.NUMERIC;
        }

        @Override
        public String toString() {
            return "(" + (negate ? "-" : "+") + operand + ")";
        }
    }

    static final class Arithmetic extends Expression {
        final ArithmeticOperator operator;
        final Expression left;
        final Expression right;

        Arithmetic(ArithmeticOperator operator, Expression left, Expression right) {
            super(left, right);
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        Type type() {
            return Type.NUMERIC;
        }

        @Override
        public String toString() {
            return "(" + left + " " + operator.symbol + " " + right + ")";
        }
    }

    enum ComparisonOperator {
        EQ("="), NE("<>"), LT("<"), LE("<="), GT(">"), GE(">=");

        final String symbol;

        ComparisonOperator(String symbol) {
            this.symbol = symbol;
        }

        /** Strings and booleans may only be compared with = and <> (spec 3.8.1). */
        boolean isEquality() {
            return this == EQ || this == NE;
        }
    }

    static final class Comparison extends Expression {
        final ComparisonOperator operator;
        final Expression left;
        final Expression right;

        Comparison(ComparisonOperator operator, Expression left, Expression right) {
            super(left, right);
            this.operator = operator;
            this.left = left;
            this.right = right;
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return "(" + left + " " + operator.symbol + " " + right + ")";
        }
    }

    /** value [NOT] BETWEEN low AND high. */
    static final class Between extends Expression {
        final Expression value;
        final Expression low;
        final Expression high;
        final boolean negated;

        Between(Expression value, Expression low, Expression high, boolean negated) {
            super(value, low, high);
            this.value = value;
            this.low = low;
            this.high = high;
            this.negated = negated;
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return "(" + value + (negated ? " NOT" : "") + " BETWEEN " + low + " AND " + high + ")";
        }
    }

    /** identifier [NOT] IN ('a', 'b', ...). */
    static final class In extends Expression {
        final Identifier identifier;
        /** Unmodifiable, in the order written. */
        final Set<String> values;
        final boolean negated;

        In(Identifier identifier, List<String> values, boolean negated) {
            super(identifier);
            this.identifier = identifier;
            this.values = Collections.unmodifiableSet(new LinkedHashSet<>(values));
            this.negated = negated;
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return "(" + identifier + (negated ? " NOT" : "") + " IN "
                    + values.stream().map(v -> new Literal(v).toString()).collect(Collectors.joining(", ", "(", ")"))
                    + ")";
        }
    }

    /** identifier [NOT] LIKE 'pattern' [ESCAPE 'c']. */
    static final class Like extends Expression {
        final Identifier identifier;
        final LikePattern pattern;
        final boolean negated;

        Like(Identifier identifier, LikePattern pattern, boolean negated) {
            super(identifier);
            this.identifier = identifier;
            this.pattern = pattern;
            this.negated = negated;
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return "(" + identifier + (negated ? " NOT" : "") + " LIKE " + pattern + ")";
        }
    }

    /** identifier IS [NOT] NULL. */
    static final class IsNull extends Expression {
        final Identifier identifier;
        final boolean negated;

        IsNull(Identifier identifier, boolean negated) {
            super(identifier);
            this.identifier = identifier;
            this.negated = negated;
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return "(" + identifier + " IS " + (negated ? "NOT " : "") + "NULL)";
        }
    }

    static final class Not extends Expression {
        final Expression operand;

        Not(Expression operand) {
            super(operand);
            this.operand = operand;
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return "(NOT " + operand + ")";
        }
    }

    /**
     * Conjunction of two or more operands. N-ary rather than binary so that a long generated
     * chain (a = 1 AND b = 2 AND ...) stays shallow and is evaluated by a loop.
     */
    static final class And extends Expression {
        final List<Expression> operands;

        And(List<Expression> operands) {
            super(operands);
            this.operands = List.copyOf(operands);
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return operands.stream().map(String::valueOf).collect(Collectors.joining(" AND ", "(", ")"));
        }
    }

    /** Disjunction of two or more operands; n-ary for the same reason as {@link And}. */
    static final class Or extends Expression {
        final List<Expression> operands;

        Or(List<Expression> operands) {
            super(operands);
            this.operands = List.copyOf(operands);
        }

        @Override
        Type type() {
            return Type.BOOLEAN;
        }

        @Override
        public String toString() {
            return operands.stream().map(String::valueOf).collect(Collectors.joining(" OR ", "(", ")"));
        }
    }
}
