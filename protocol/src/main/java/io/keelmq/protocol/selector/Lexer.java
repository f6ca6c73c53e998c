package io.keelmq.protocol.selector;

import java.util.Locale;
import java.util.Map;

/**
 * Splits a selector into tokens on demand, so that the parser reports the leftmost error
 * whether it is lexical or syntactic.
 */
final class Lexer {

    private static final Map<String, TokenType> RESERVED_WORDS = Map.ofEntries(
            Map.entry("NOT", TokenType.NOT),
            Map.entry("AND", TokenType.AND),
            Map.entry("OR", TokenType.OR),
            Map.entry("BETWEEN", TokenType.BETWEEN),
            Map.entry("LIKE", TokenType.LIKE),
            Map.entry("IN", TokenType.IN),
            Map.entry("IS", TokenType.IS),
            Map.entry("ESCAPE", TokenType.ESCAPE),
            Map.entry("NULL", TokenType.NULL),
            Map.entry("TRUE", TokenType.TRUE),
            Map.entry("FALSE", TokenType.FALSE));

    private static final int LONGEST_RESERVED_WORD = "BETWEEN".length();

    private final String input;
    private int pos;

    Lexer(String input) {
        this.input = input;
    }

    /** Whitespace as the spec defines it: Java's, i.e. space, tab, form feed, CR and LF. */
    static boolean isWhitespace(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\n' || c == '\r';
    }

    /** True when {@code text} holds nothing but selector whitespace. */
    static boolean isBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    Token next() throws SelectorParseException {
        while (pos < input.length() && isWhitespace(input.charAt(pos))) {
            pos++;
        }
        int start = pos;
        if (pos >= input.length()) {
            return new Token(TokenType.EOF, "", start);
        }
        char c = input.charAt(pos);
        switch (c) {
            case '(':
                return single(TokenType.LEFT_PAREN);
            case ')':
                return single(TokenType.RIGHT_PAREN);
            case ',':
                return single(TokenType.COMMA);
            case '+':
                return single(TokenType.PLUS);
            case '-':
                return single(TokenType.MINUS);
            case '*':
                return single(TokenType.STAR);
            case '/':
                return single(TokenType.SLASH);
            case '=':
                return single(TokenType.EQ);
            case '<':
                if (peek(1) == '>') {
                    return pair(TokenType.NE);
                }
                return peek(1) == '=' ? pair(TokenType.LE) : single(TokenType.LT);
            case '>':
                return peek(1) == '=' ? pair(TokenType.GE) : single(TokenType.GT);
            case '\'':
                return string();
            default:
                break;
        }
        if (isAsciiDigit(c) || (c == '.' && isAsciiDigit(peek(1)))) {
            return number();
        }
        int codePoint = input.codePointAt(pos);
        if (Character.isJavaIdentifierStart(codePoint)) {
            return word();
        }
        throw new SelectorParseException("Unexpected character " + describeChar(codePoint), input, start);
    }

    private Token single(TokenType type) {
        Token token = new Token(type, input.substring(pos, pos + 1), pos);
        pos += 1;
        return token;
    }

    private Token pair(TokenType type) {
        Token token = new Token(type, input.substring(pos, pos + 2), pos);
        pos += 2;
        return token;
    }

    private char peek(int ahead) {
        int at = pos + ahead;
        return at < input.length() ? input.charAt(at) : '\0';
    }

    /** 'literal', with '' standing for one quote; no backslash escapes (SQL, not Java). */
    private Token string() throws SelectorParseException {
        int start = pos;
        StringBuilder value = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= input.length()) {
                throw new SelectorParseException("Unterminated string literal", input, start);
            }
            char c = input.charAt(pos++);
            if (c == '\'') {
                if (pos < input.length() && input.charAt(pos) == '\'') {
                    value.append('\'');
                    pos++;
                } else {
                    return new Token(TokenType.STRING, value.toString(), start);
                }
            } else {
                value.append(c);
            }
        }
    }

    /**
     * Takes the longest run that could belong to a Java numeric literal; {@link NumericLiteral}
     * then decides whether it is one. Taking letters too means that "12abc" is reported as a
     * malformed number rather than as a number followed by an identifier.
     */
    private Token number() {
        int start = pos;
        boolean hex = peek(0) == '0' && (peek(1) == 'x' || peek(1) == 'X');
        while (pos < input.length()) {
            char c = input.charAt(pos);
            if (c == '.' || Character.isJavaIdentifierPart(c)) {
                pos++;
            } else if ((c == '+' || c == '-') && pos > start && isExponentMarker(input.charAt(pos - 1), hex)) {
                // The sign of an exponent (1e-3, 0x1p+4). In a hex literal 'e' is a digit,
                // so 0x1e-2 stays a subtraction, as in Java.
                pos++;
            } else {
                break;
            }
        }
        return new Token(TokenType.NUMBER, input.substring(start, pos), start);
    }

    private static boolean isExponentMarker(char c, boolean hex) {
        return hex ? c == 'p' || c == 'P' : c == 'e' || c == 'E';
    }

    private Token word() {
        int start = pos;
        pos += Character.charCount(input.codePointAt(pos));
        while (pos < input.length()) {
            int codePoint = input.codePointAt(pos);
            if (!Character.isJavaIdentifierPart(codePoint)) {
                break;
            }
            pos += Character.charCount(codePoint);
        }
        String word = input.substring(start, pos);
        TokenType reserved = reservedWord(word);
        return new Token(reserved != null ? reserved : TokenType.IDENTIFIER, word, start);
    }

    /**
     * Reserved words are matched ignoring ASCII case only: full Unicode case folding would
     * turn identifiers such as "\u0131n" (dotless i) into the keyword IN.
     */
    private static TokenType reservedWord(String word) {
        if (word.length() > LONGEST_RESERVED_WORD) {
            return null;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
                return null;
            }
        }
        return RESERVED_WORDS.get(word.toUpperCase(Locale.ROOT));
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String describeChar(int codePoint) {
        String hex = String.format("U+%04X", codePoint);
        if (Character.isISOControl(codePoint) || !Character.isDefined(codePoint)) {
            return hex;
        }
        return "'" + new String(Character.toChars(codePoint)) + "' (" + hex + ")";
    }
}
