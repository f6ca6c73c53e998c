package io.keelmq.protocol.selector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Selectors that are syntactically incorrect or statically invalid: each must throw
 * {@link SelectorParseException} naming the problem and where it is.
 */
class InvalidSelectorTest {

    @ParameterizedTest(name = "[{1}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        // dangling operators and unbalanced input
        "a +                        | 3  | Unexpected end of selector",
        "a =                        | 3  | Unexpected end of selector",
        "= 1                        | 0  | Expected an expression but found '='",
        "a = 1 AND                  | 9  | Unexpected end of selector",
        "NOT                        | 3  | Unexpected end of selector",
        "(a = 1                     | 6  | Expected ')' but found end of selector",
        "a = 1)                     | 5  | Unexpected ')'",
        "()                         | 1  | Expected an expression but found ')'",
        "a = 1 b                    | 6  | Unexpected identifier 'b'",
        "a == 1                     | 3  | Expected an expression but found '='",
        "a = b = c                  | 6  | Unexpected '='",
        "a IS NULL = TRUE           | 10 | Unexpected '='",
        "a = 1 /* comment */        | 7  | Expected an expression but found '*'",
        // lexical errors
        "a = 'abc                   | 4  | Unterminated string literal",
        "a = 'it''s                 | 4  | Unterminated string literal",
        "a != 1                     | 2  | Unexpected character '!'",
        "a = \"x\"                  | 4  | Unexpected character '\"'",
        "a.b = 1                    | 1  | Unexpected character '.'",
        "a = #                      | 4  | Unexpected character '#'",
        // the top level must be a conditional expression
        "'abc'                      | 0  | must be a conditional expression, but is a string",
        "a + 1                      | 0  | must be a conditional expression, but is a numeric",
        "5                          | 0  | must be a conditional expression, but is a numeric",
        "-a                         | 0  | must be a conditional expression, but is a numeric",
        "(('x'))                    | 0  | must be a conditional expression, but is a string",
        // reserved words are not identifiers, NULL is not a value
        "and = 1                    | 0  | Reserved word and cannot be used as an identifier",
        "x = in                     | 4  | Reserved word in cannot be used as an identifier",
        "Between > 1                | 0  | Reserved word Between",
        "ESCAPE = 'x'               | 0  | Reserved word ESCAPE",
        "a = 1 OR OR b = 2          | 9  | Reserved word OR",
        "is IS NULL                 | 0  | Reserved word is",
        "a = NULL                   | 4  | NULL is not a value",
        // a boolean literal never equals a literal of another type (TCK identifierTest03/04)
        "TRUE = 0                   | 0  | A boolean literal cannot be compared with a numeric literal",
        "FALSE = 0                  | 0  | A boolean literal cannot be compared with a numeric literal",
        "'x' <> FALSE               | 0  | A string literal cannot be compared with a boolean literal",
        "NULL IS NULL               | 0  | NULL is not a value",
        "a NOT = 1                  | 6  | Expected BETWEEN, IN or LIKE after NOT but found '='",
        "a IS 1                     | 5  | Expected NULL or NOT NULL after IS",
        "a IS NOT TRUE              | 9  | Expected NULL after IS NOT",
        // IN
        "a IN (1, 2)                | 6  | IN list may contain only string literals, but found number 1",
        "a IN ('x', b)              | 11 | IN list may contain only string literals, but found identifier 'b'",
        "a IN ()                    | 6  | IN list may contain only string literals",
        "a IN ('x',)                | 10 | IN list may contain only string literals",
        "a IN 'x'                   | 5  | Expected '(' after IN",
        "a IN ('x' 'y')             | 10 | Expected ',' or ')' in IN list",
        "1 IN ('x')                 | 0  | Left operand of IN must be an identifier",
        // LIKE
        "'a' LIKE 'a'               | 0  | Left operand of LIKE must be an identifier",
        "a LIKE b                   | 7  | LIKE pattern must be a string literal",
        "a LIKE 1                   | 7  | LIKE pattern must be a string literal",
        "a LIKE 'x' ESCAPE ''       | 18 | ESCAPE must be a single-character string literal",
        "a LIKE 'x' ESCAPE 'ab'     | 18 | ESCAPE must be a single-character string literal",
        "a LIKE 'x' ESCAPE e        | 18 | ESCAPE must be followed by a string literal",
        "a LIKE 'x!' ESCAPE '!'     | 7  | LIKE pattern ends with its escape character",
        "a LIKE 'x!y' ESCAPE '!'    | 7  | escape character may only precede",
        // IS NULL
        "(a + 1) IS NULL            | 0  | Left operand of IS NULL must be an identifier",
        "'x' IS NOT NULL            | 0  | Left operand of IS NULL must be an identifier",
        // BETWEEN
        "a BETWEEN 1                | 11 | Expected AND in BETWEEN but found end of selector",
        "a BETWEEN 1 OR 2           | 12 | Expected AND in BETWEEN but found 'OR'",
        "a BETWEEN 'a' AND 'c'      | 10 | Operand of BETWEEN must be an arithmetic expression, not a string",
        "'x' BETWEEN 1 AND 2        | 0  | Operand of BETWEEN must be an arithmetic expression",
        "a BETWEEN 1 AND TRUE       | 16 | Operand of BETWEEN must be an arithmetic expression, not a boolean",
        // comparison and arithmetic typing
        "a < 'b'                    | 4  | Operator < cannot compare a string",
        "'a' >= b                   | 0  | Operator >= cannot compare a string",
        "TRUE > FALSE               | 0  | Operator > cannot compare a boolean",
        "(a = 1) <= b               | 0  | Operator <= cannot compare a boolean",
        "a + 'x' = 1                | 4  | Operand of + must be an arithmetic expression, not a string",
        "'x' * 2 = 1                | 0  | Operand of * must be an arithmetic expression, not a string",
        "-'x' = 1                   | 1  | Operand of unary - must be an arithmetic expression",
        "TRUE + 1 = 2               | 0  | Operand of + must be an arithmetic expression, not a boolean",
        "(a > 1) * 2 = 2            | 0  | Operand of * must be an arithmetic expression, not a boolean",
        "a AND 1                    | 6  | Operand of AND must be a conditional expression, not a numeric",
        "1 OR a                     | 0  | Operand of OR must be a conditional expression, not a numeric",
        "NOT 'x'                    | 4  | Operand of NOT must be a conditional expression, not a string",
        "a = 1 AND b + 1            | 10 | Operand of AND must be a conditional expression, not a numeric",
    })
    void rejected(String selector, int position, String problem) {
        SelectorParseException e = assertThrows(SelectorParseException.class, () -> Selector.parse(selector));
        assertTrue(e.getMessage().contains(problem), () -> "message was: " + e.getMessage());
        assertEquals(position, e.getPosition(), () -> "message was: " + e.getMessage());
        assertTrue(e.getMessage().endsWith("at position " + position), e.getMessage());
        assertEquals(selector, e.getSelector());
    }
}
