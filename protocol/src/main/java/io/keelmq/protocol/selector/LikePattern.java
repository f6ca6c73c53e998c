package io.keelmq.protocol.selector;

import java.util.Arrays;

/**
 * A compiled LIKE pattern: '_' matches any one character, '%' any sequence (including the
 * empty one), the optional escape character makes the following '_', '%' or escape character
 * stand for itself, and every other character stands for itself.
 *
 * <p>Matching is done by hand rather than through {@link java.util.regex.Pattern}: the classic
 * single-backtrack-point wildcard algorithm is O(pattern x subject) at worst, whereas a regex
 * such as {@code .*a.*a.*a.*b} can backtrack exponentially on a hostile message, and the
 * broker evaluates selectors on its dispatch threads. "Character" means Unicode code point,
 * so '_' matches a supplementary character (a surrogate pair) as one.
 *
 * <p>Immutable and thread-safe.
 */
final class LikePattern {

    private static final int ANY_ONE = -1;
    private static final int ANY_SEQUENCE = -2;

    private final String source;
    private final String escape;
    /** Code points to match literally, or ANY_ONE / ANY_SEQUENCE; runs of '%' are merged. */
    private final int[] elements;

    private LikePattern(String source, String escape, int[] elements) {
        this.source = source;
        this.escape = escape;
        this.elements = elements;
    }

    /**
     * @param source   the pattern's string literal value
     * @param escape   the escape character's string literal value, or null when there is none
     * @param selector the whole selector, for error reporting
     * @param position where the pattern literal starts
     * @param escapePosition where the escape literal starts
     */
    static LikePattern compile(String source, String escape, String selector, int position, int escapePosition)
            throws SelectorParseException {
        int escapeChar = -1;
        if (escape != null) {
            if (escape.isEmpty() || escape.codePointCount(0, escape.length()) != 1) {
                throw new SelectorParseException("ESCAPE must be a single-character string literal, not '"
                        + escape.replace("'", "''") + "'", selector, escapePosition);
            }
            escapeChar = escape.codePointAt(0);
        }
        int[] elements = new int[source.length()];
        int count = 0;
        for (int i = 0; i < source.length(); ) {
            int c = source.codePointAt(i);
            i += Character.charCount(c);
            if (c == escapeChar) {
                // SQL-92 8.5: an escape character may only precede '_', '%' or itself; the
                // pattern is a literal, so a violation is caught when the selector is parsed.
                if (i >= source.length()) {
                    throw new SelectorParseException("LIKE pattern ends with its escape character",
                            selector, position);
                }
                int escaped = source.codePointAt(i);
                i += Character.charCount(escaped);
                if (escaped != '_' && escaped != '%' && escaped != escapeChar) {
                    throw new SelectorParseException("In LIKE pattern, escape character may only precede"
                            + " '_', '%' or itself", selector, position);
                }
                elements[count++] = escaped;
            } else if (c == '_') {
                elements[count++] = ANY_ONE;
            } else if (c == '%') {
                if (count == 0 || elements[count - 1] != ANY_SEQUENCE) {
                    elements[count++] = ANY_SEQUENCE;
                }
            } else {
                elements[count++] = c;
            }
        }
        return new LikePattern(source, escape, Arrays.copyOf(elements, count));
    }

    boolean matches(String subject) {
        int s = 0;
        int p = 0;
        // Where the last '%' was seen and where in the subject it is currently assumed to end;
        // on a mismatch it swallows one more character. Only the last '%' needs remembering:
        // any match found by moving an earlier one could also be found by moving the last.
        int starElement = -1;
        int starSubject = 0;
        while (s < subject.length()) {
            int c = subject.codePointAt(s);
            if (p < elements.length && (elements[p] == ANY_ONE || elements[p] == c)) {
                s += Character.charCount(c);
                p++;
            } else if (p < elements.length && elements[p] == ANY_SEQUENCE) {
                starElement = p++;
                starSubject = s;
            } else if (starElement >= 0) {
                p = starElement + 1;
                starSubject += Character.charCount(subject.codePointAt(starSubject));
                s = starSubject;
            } else {
                return false;
            }
        }
        while (p < elements.length && elements[p] == ANY_SEQUENCE) {
            p++;
        }
        return p == elements.length;
    }

    @Override
    public String toString() {
        String text = "'" + source.replace("'", "''") + "'";
        return escape == null ? text : text + " ESCAPE '" + escape.replace("'", "''") + "'";
    }
}
