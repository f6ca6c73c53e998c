package io.keelmq.protocol.selector;

/**
 * One lexical token.
 *
 * @param type     its category
 * @param text     for {@link TokenType#STRING} the decoded value (quotes removed, '' turned
 *                 into '); for every other type the characters as written in the selector
 * @param position zero-based index of its first character in the selector
 */
record Token(TokenType type, String text, int position) {

    /** How the token is named in error messages. */
    String describe() {
        switch (type) {
            case EOF:
                return "end of selector";
            case STRING:
                return "string literal '" + text.replace("'", "''") + "'";
            case IDENTIFIER:
                return "identifier '" + text + "'";
            case NUMBER:
                return "number " + text;
            default:
                return "'" + text + "'";
        }
    }
}
