package io.keelmq.protocol.selector;

import io.keelmq.protocol.selector.Expression.And;
import io.keelmq.protocol.selector.Expression.Arithmetic;
import io.keelmq.protocol.selector.Expression.ArithmeticOperator;
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

import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the selector grammar of spec 3.8.1, lowest precedence first:
 *
 * <pre>
 * selector       := or EOF                      (must be a conditional expression)
 * or             := and { OR and }
 * and            := not { AND not }
 * not            := NOT not | comparison
 * comparison     := additive [ ( = | &lt;&gt; | &lt; | &lt;= | &gt; | &gt;= ) additive
 *                            | [NOT] BETWEEN additive AND additive
 *                            | [NOT] IN ( string { , string } )
 *                            | [NOT] LIKE string [ ESCAPE string ]
 *                            | IS [NOT] NULL ]
 * additive       := multiplicative { ( + | - ) multiplicative }
 * multiplicative := unary { ( * | / ) unary }
 * unary          := ( + | - ) unary | primary
 * primary        := ( or ) | string | number | TRUE | FALSE | identifier
 * </pre>
 *
 * Comparisons do not chain (a = b = c is an error, as in SQL); parentheses allow
 * (a = b) = TRUE. Besides syntax, the parser rejects what the spec makes invalid whatever
 * the message: operands whose literal type cannot work (a string in arithmetic, a number as
 * a condition, ordering strings or booleans), IN/LIKE/IS NULL on anything but an identifier,
 * IN lists of anything but string literals, LIKE patterns and escapes that are not string
 * literals, a boolean literal compared with a literal of another type (TRUE = 0: no message
 * can change its outcome, so it is taken as a mistake, as the TCK and Artemis do), and NULL
 * outside IS [NOT] NULL (it is not a literal in JMS).
 *
 * <p>Nesting is limited to {@link #MAX_DEPTH} so that neither parsing nor evaluation can
 * overflow the stack of a broker thread on a hostile selector.
 */
final class Parser {

    /** Deepest syntax tree, and deepest parenthesis/NOT/sign nesting, accepted. */
    static final int MAX_DEPTH = 200;

    private final String selector;
    private final Lexer lexer;
    private Token current;
    private int nesting;

    private Parser(String selector) throws SelectorParseException {
        this.selector = selector;
        this.lexer = new Lexer(selector);
        this.current = lexer.next();
    }

    /** Parses a non-blank selector. */
    static Expression parse(String selector) throws SelectorParseException {
        return new Parser(selector).parseSelector();
    }

    private Expression parseSelector() throws SelectorParseException {
        int start = current.position();
        Expression expression = parseOr();
        if (current.type() != TokenType.EOF) {
            throw error("Unexpected " + current.describe(), current.position());
        }
        if (!expression.type().canBeCondition()) {
            throw error("Selector must be a conditional expression, but is a "
                    + typeName(expression) + " expression", start);
        }
        return expression;
    }

    private Expression parseOr() throws SelectorParseException {
        int start = current.position();
        Expression first = parseAnd();
        if (current.type() != TokenType.OR) {
            return first;
        }
        List<Expression> operands = new ArrayList<>();
        operands.add(requireCondition(first, start, "OR"));
        while (current.type() == TokenType.OR) {
            advance();
            int position = current.position();
            operands.add(requireCondition(parseAnd(), position, "OR"));
        }
        return limitDepth(new Or(operands), start);
    }

    private Expression parseAnd() throws SelectorParseException {
        int start = current.position();
        Expression first = parseNot();
        if (current.type() != TokenType.AND) {
            return first;
        }
        List<Expression> operands = new ArrayList<>();
        operands.add(requireCondition(first, start, "AND"));
        while (current.type() == TokenType.AND) {
            advance();
            int position = current.position();
            operands.add(requireCondition(parseNot(), position, "AND"));
        }
        return limitDepth(new And(operands), start);
    }

    private Expression parseNot() throws SelectorParseException {
        if (current.type() != TokenType.NOT) {
            return parseComparison();
        }
        int start = current.position();
        advance();
        enter(start);
        int position = current.position();
        Expression operand = requireCondition(parseNot(), position, "NOT");
        nesting--;
        return limitDepth(new Not(operand), start);
    }

    private Expression parseComparison() throws SelectorParseException {
        int start = current.position();
        Expression left = parseAdditive();
        Token operator = current;
        switch (operator.type()) {
            case EQ:
                return comparison(ComparisonOperator.EQ, left, start);
            case NE:
                return comparison(ComparisonOperator.NE, left, start);
            case LT:
                return comparison(ComparisonOperator.LT, left, start);
            case LE:
                return comparison(ComparisonOperator.LE, left, start);
            case GT:
                return comparison(ComparisonOperator.GT, left, start);
            case GE:
                return comparison(ComparisonOperator.GE, left, start);
            case IS:
                return isNull(left, start);
            case BETWEEN:
            case IN:
            case LIKE:
                return negatable(left, start, false);
            case NOT:
                advance();
                if (current.type() != TokenType.BETWEEN && current.type() != TokenType.IN
                        && current.type() != TokenType.LIKE) {
                    throw error("Expected BETWEEN, IN or LIKE after NOT but found " + current.describe(),
                            current.position());
                }
                return negatable(left, start, true);
            default:
                return left;
        }
    }

    private Expression negatable(Expression left, int start, boolean negated) throws SelectorParseException {
        switch (current.type()) {
            case BETWEEN:
                return between(left, start, negated);
            case IN:
                return in(left, start, negated);
            default:
                return like(left, start, negated);
        }
    }

    private Expression comparison(ComparisonOperator operator, Expression left, int start)
            throws SelectorParseException {
        advance();
        int rightStart = current.position();
        Expression right = parseAdditive();
        if (!operator.isEquality()) {
            // Spec: string and boolean comparison is restricted to = and <>.
            requireOrderable(left, start, operator);
            requireOrderable(right, rightStart, operator);
        } else {
            requireComparableLiterals(left, right, start);
        }
        return limitDepth(new Comparison(operator, left, right), start);
    }

    /**
     * Spec 3.8.1.2: only like types compare. Between two literals the types are known before any message, and a
     * boolean literal against a number or a string (TRUE = 0) is refused. A string literal against a numeric one
     * stays a valid comparison that is false, as an identifier's value of another type is.
     */
    private void requireComparableLiterals(Expression left, Expression right, int position)
            throws SelectorParseException {
        if (left instanceof Literal && right instanceof Literal && left.type() != right.type()
                && (left.type() == Expression.Type.BOOLEAN || right.type() == Expression.Type.BOOLEAN)) {
            throw error("A " + typeName(left) + " literal cannot be compared with a " + typeName(right)
                    + " literal", position);
        }
    }

    private void requireOrderable(Expression operand, int position, ComparisonOperator operator)
            throws SelectorParseException {
        if (!operand.type().canBeNumeric()) {
            throw error("Operator " + operator.symbol + " cannot compare a " + typeName(operand)
                    + " (only = and <> apply to strings and booleans)", position);
        }
    }

    private Expression between(Expression value, int start, boolean negated) throws SelectorParseException {
        requireNumeric(value, start, "BETWEEN");
        advance();
        int lowStart = current.position();
        Expression low = requireNumeric(parseAdditive(), lowStart, "BETWEEN");
        expect(TokenType.AND, "AND in BETWEEN");
        int highStart = current.position();
        Expression high = requireNumeric(parseAdditive(), highStart, "BETWEEN");
        return limitDepth(new Between(value, low, high, negated), start);
    }

    private Expression in(Expression value, int start, boolean negated) throws SelectorParseException {
        Identifier identifier = requireIdentifier(value, start, "IN");
        advance();
        expect(TokenType.LEFT_PAREN, "'(' after IN");
        List<String> values = new ArrayList<>();
        do {
            if (current.type() != TokenType.STRING) {
                throw error("IN list may contain only string literals, but found " + current.describe(),
                        current.position());
            }
            values.add(current.text());
            advance();
        } while (accept(TokenType.COMMA));
        expect(TokenType.RIGHT_PAREN, "',' or ')' in IN list");
        return limitDepth(new In(identifier, values, negated), start);
    }

    private Expression like(Expression value, int start, boolean negated) throws SelectorParseException {
        Identifier identifier = requireIdentifier(value, start, "LIKE");
        advance();
        if (current.type() != TokenType.STRING) {
            throw error("LIKE pattern must be a string literal, but found " + current.describe(),
                    current.position());
        }
        Token pattern = current;
        advance();
        String escape = null;
        int escapePosition = -1;
        if (accept(TokenType.ESCAPE)) {
            if (current.type() != TokenType.STRING) {
                throw error("ESCAPE must be followed by a string literal, but found " + current.describe(),
                        current.position());
            }
            escape = current.text();
            escapePosition = current.position();
            advance();
        }
        LikePattern compiled = LikePattern.compile(pattern.text(), escape, selector, pattern.position(),
                escapePosition);
        return limitDepth(new Like(identifier, compiled, negated), start);
    }

    private Expression isNull(Expression value, int start) throws SelectorParseException {
        Identifier identifier = requireIdentifier(value, start, "IS NULL");
        advance();
        boolean negated = accept(TokenType.NOT);
        expect(TokenType.NULL, negated ? "NULL after IS NOT" : "NULL or NOT NULL after IS");
        return limitDepth(new IsNull(identifier, negated), start);
    }

    private Expression parseAdditive() throws SelectorParseException {
        int start = current.position();
        Expression left = parseMultiplicative();
        while (current.type() == TokenType.PLUS || current.type() == TokenType.MINUS) {
            ArithmeticOperator operator = current.type() == TokenType.PLUS
                    ? ArithmeticOperator.ADD : ArithmeticOperator.SUBTRACT;
            left = arithmetic(operator, left, start, this::parseMultiplicative);
        }
        return left;
    }

    private Expression parseMultiplicative() throws SelectorParseException {
        int start = current.position();
        Expression left = parseUnary();
        while (current.type() == TokenType.STAR || current.type() == TokenType.SLASH) {
            ArithmeticOperator operator = current.type() == TokenType.STAR
                    ? ArithmeticOperator.MULTIPLY : ArithmeticOperator.DIVIDE;
            left = arithmetic(operator, left, start, this::parseUnary);
        }
        return left;
    }

    @FunctionalInterface
    private interface Operand {
        Expression parse() throws SelectorParseException;
    }

    private Expression arithmetic(ArithmeticOperator operator, Expression left, int start, Operand next)
            throws SelectorParseException {
        requireNumeric(left, start, operator.symbol);
        advance();
        int rightStart = current.position();
        Expression right = requireNumeric(next.parse(), rightStart, operator.symbol);
        return limitDepth(new Arithmetic(operator, left, right), start);
    }

    private Expression parseUnary() throws SelectorParseException {
        if (current.type() != TokenType.PLUS && current.type() != TokenType.MINUS) {
            return parsePrimary();
        }
        int start = current.position();
        boolean negate = current.type() == TokenType.MINUS;
        advance();
        if (current.type() == TokenType.NUMBER) {
            // Fold the sign into the literal: -2147483648 is an int, as in Java, although
            // 2147483648 alone is not.
            Token number = current;
            advance();
            return new Literal(NumericLiteral.parse(number.text(), negate, selector, start));
        }
        enter(start);
        int operandStart = current.position();
        Expression operand = requireNumeric(parseUnary(), operandStart, negate ? "unary -" : "unary +");
        nesting--;
        return limitDepth(new Unary(negate, operand), start);
    }

    private Expression parsePrimary() throws SelectorParseException {
        Token token = current;
        switch (token.type()) {
            case LEFT_PAREN: {
                advance();
                enter(token.position());
                Expression inner = parseOr();
                expect(TokenType.RIGHT_PAREN, "')'");
                nesting--;
                return inner;
            }
            case STRING:
                advance();
                return new Literal(token.text());
            case NUMBER:
                advance();
                return new Literal(NumericLiteral.parse(token.text(), false, selector, token.position()));
            case TRUE:
                advance();
                return new Literal(Boolean.TRUE);
            case FALSE:
                advance();
                return new Literal(Boolean.FALSE);
            case IDENTIFIER:
                advance();
                return new Identifier(token.text());
            case NULL:
                throw error("NULL is not a value; it may only appear in IS NULL or IS NOT NULL", token.position());
            case EOF:
                throw error("Unexpected end of selector, expected an expression", token.position());
            default:
                if (token.type().isReservedWord()) {
                    throw error("Reserved word " + token.text() + " cannot be used as an identifier",
                            token.position());
                }
                throw error("Expected an expression but found " + token.describe(), token.position());
        }
    }

    private Expression requireCondition(Expression operand, int position, String operator)
            throws SelectorParseException {
        if (!operand.type().canBeCondition()) {
            throw error("Operand of " + operator + " must be a conditional expression, not a "
                    + typeName(operand), position);
        }
        return operand;
    }

    private Expression requireNumeric(Expression operand, int position, String operator)
            throws SelectorParseException {
        if (!operand.type().canBeNumeric()) {
            throw error("Operand of " + operator + " must be an arithmetic expression, not a "
                    + typeName(operand), position);
        }
        return operand;
    }

    private Identifier requireIdentifier(Expression operand, int position, String operator)
            throws SelectorParseException {
        if (!(operand instanceof Identifier)) {
            throw error("Left operand of " + operator + " must be an identifier", position);
        }
        return (Identifier) operand;
    }

    private static String typeName(Expression expression) {
        switch (expression.type()) {
            case BOOLEAN:
                return "boolean";
            case NUMERIC:
                return "numeric";
            default:
                return "string";
        }
    }

    private void enter(int position) throws SelectorParseException {
        if (++nesting > MAX_DEPTH) {
            throw error("Selector is nested more than " + MAX_DEPTH + " levels deep", position);
        }
    }

    private Expression limitDepth(Expression expression, int position) throws SelectorParseException {
        if (expression.depth() > MAX_DEPTH) {
            throw error("Selector is nested more than " + MAX_DEPTH + " levels deep", position);
        }
        return expression;
    }

    private void advance() throws SelectorParseException {
        current = lexer.next();
    }

    private boolean accept(TokenType type) throws SelectorParseException {
        if (current.type() == type) {
            advance();
            return true;
        }
        return false;
    }

    private void expect(TokenType type, String what) throws SelectorParseException {
        if (current.type() != type) {
            throw error("Expected " + what + " but found " + current.describe(), current.position());
        }
        advance();
    }

    private SelectorParseException error(String problem, int position) {
        return new SelectorParseException(problem, selector, position);
    }
}
