package io.keelmq.protocol.selector;

/** The lexical categories of the selector language. */
enum TokenType {
    IDENTIFIER,
    STRING,
    NUMBER,
    // Reserved words (spec 3.8.1: case-insensitive, never identifiers).
    NOT, AND, OR, BETWEEN, LIKE, IN, IS, ESCAPE, NULL, TRUE, FALSE,
    LEFT_PAREN, RIGHT_PAREN, COMMA,
    PLUS, MINUS, STAR, SLASH,
    EQ, NE, LT, LE, GT, GE,
    EOF;

    boolean isReservedWord() {
        return compareTo(NOT) >= 0 && compareTo(FALSE) <= 0;
    }
}
