package io.keelmq.protocol.selector;

import java.math.BigInteger;
import java.util.regex.Pattern;

/**
 * Turns the text of a numeric literal into its value, following the spec: exact literals use
 * the Java integer literal syntax (decimal, hex, octal, binary, underscores, L suffix) and
 * approximate literals the Java floating-point literal syntax (including hex floats and the
 * F/D suffixes).
 *
 * <p>Types follow Java: an exact literal is an {@link Integer} when it has no L suffix and
 * fits an int, otherwise a {@link Long} (the spec supports the whole long range, so a
 * suffix-less literal past int range is a long rather than an error); an approximate literal
 * is a {@link Float} with an F suffix, otherwise a {@link Double}. The type matters because
 * arithmetic uses Java numeric promotion.
 */
final class NumericLiteral {

    private static final String DIGITS = "[0-9](?:[0-9_]*[0-9])?";
    private static final String HEX_DIGITS = "[0-9a-fA-F](?:[0-9a-fA-F_]*[0-9a-fA-F])?";
    private static final String EXPONENT = "[eE][+-]?" + DIGITS;

    private static final Pattern DECIMAL_INTEGER = Pattern.compile("(?:0|[1-9](?:[0-9_]*[0-9])?)[lL]?");
    private static final Pattern HEX_INTEGER = Pattern.compile("0[xX]" + HEX_DIGITS + "[lL]?");
    private static final Pattern OCTAL_INTEGER = Pattern.compile("0_*[0-7](?:[0-7_]*[0-7])?[lL]?");
    private static final Pattern BINARY_INTEGER = Pattern.compile("0[bB][01](?:[01_]*[01])?[lL]?");
    private static final Pattern DECIMAL_FLOAT = Pattern.compile(
            "(?:" + DIGITS + "\\.(?:" + DIGITS + ")?(?:" + EXPONENT + ")?"
                    + "|\\." + DIGITS + "(?:" + EXPONENT + ")?"
                    + "|" + DIGITS + EXPONENT + ")[fFdD]?"
                    + "|" + DIGITS + "(?:" + EXPONENT + ")?[fFdD]");
    private static final Pattern HEX_FLOAT = Pattern.compile(
            "0[xX](?:" + HEX_DIGITS + "\\.?|(?:" + HEX_DIGITS + ")?\\." + HEX_DIGITS + ")"
                    + "[pP][+-]?" + DIGITS + "[fFdD]?");

    private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
    private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    private NumericLiteral() {
    }

    /**
     * @param text     the literal as written
     * @param negated  whether a unary minus is applied to it; folded in here because, as in
     *                 Java, 2147483648 and 9223372036854775808L are only valid when negated
     * @param selector the whole selector, for error reporting
     * @param position where the literal starts
     */
    static Number parse(String text, boolean negated, String selector, int position)
            throws SelectorParseException {
        if (DECIMAL_INTEGER.matcher(text).matches()) {
            return decimalInteger(text, negated, selector, position);
        }
        if (HEX_INTEGER.matcher(text).matches()) {
            return radixInteger(text, text.substring(2), 16, negated, selector, position);
        }
        if (BINARY_INTEGER.matcher(text).matches()) {
            return radixInteger(text, text.substring(2), 2, negated, selector, position);
        }
        if (OCTAL_INTEGER.matcher(text).matches()) {
            return radixInteger(text, text.substring(1), 8, negated, selector, position);
        }
        if (DECIMAL_FLOAT.matcher(text).matches() || HEX_FLOAT.matcher(text).matches()) {
            return floatingPoint(text, negated, selector, position);
        }
        throw new SelectorParseException("Malformed numeric literal '" + text + "'", selector, position);
    }

    private static Number decimalInteger(String text, boolean negated, String selector, int position)
            throws SelectorParseException {
        boolean longSuffix = hasLongSuffix(text);
        BigInteger value = new BigInteger(digitsOf(text, longSuffix));
        if (negated) {
            value = value.negate();
        }
        if (!longSuffix && value.compareTo(INT_MIN) >= 0 && value.compareTo(INT_MAX) <= 0) {
            return value.intValue();
        }
        if (value.compareTo(LONG_MIN) >= 0 && value.compareTo(LONG_MAX) <= 0) {
            return value.longValue();
        }
        throw new SelectorParseException(
                "Numeric literal " + (negated ? "-" : "") + text + " is outside the range of a Java long",
                selector, position);
    }

    /**
     * Hex, octal and binary literals denote bit patterns, as in Java: 0xFFFFFFFF is the int -1
     * and 0xFFFFFFFFFFFFFFFFL the long -1. A negation is applied afterwards with Java's
     * wrapping arithmetic.
     */
    private static Number radixInteger(String text, String body, int radix, boolean negated,
                                       String selector, int position) throws SelectorParseException {
        boolean longSuffix = hasLongSuffix(text);
        BigInteger bits = new BigInteger(digitsOf(body, longSuffix), radix);
        if (!longSuffix && bits.bitLength() <= Integer.SIZE) {
            int value = bits.intValue();
            return negated ? -value : value;
        }
        if (bits.bitLength() <= Long.SIZE) {
            long value = bits.longValue();
            return negated ? -value : value;
        }
        throw new SelectorParseException(
                "Numeric literal " + text + " does not fit in 64 bits", selector, position);
    }

    private static Number floatingPoint(String text, boolean negated, String selector, int position)
            throws SelectorParseException {
        char last = text.charAt(text.length() - 1);
        boolean isFloat = last == 'f' || last == 'F';
        boolean hex = text.length() > 1 && (text.charAt(1) == 'x' || text.charAt(1) == 'X');
        // A float literal otherwise ends in a digit or '.', and a hex float in the decimal
        // digits of its binary exponent, so a trailing f/F/d/D is always the type suffix.
        boolean suffixed = "fFdD".indexOf(last) >= 0;
        String body = (suffixed ? text.substring(0, text.length() - 1) : text).replace("_", "");
        double magnitude = isFloat ? Float.parseFloat(body) : Double.parseDouble(body);
        if (Double.isInfinite(magnitude)) {
            throw new SelectorParseException("Numeric literal " + text + " is too large for a "
                    + (isFloat ? "float" : "double"), selector, position);
        }
        if (magnitude == 0 && hasNonZeroSignificand(body, hex)) {
            throw new SelectorParseException("Numeric literal " + text + " is too small for a "
                    + (isFloat ? "float" : "double"), selector, position);
        }
        if (isFloat) {
            float value = (float) magnitude;
            return negated ? -value : value;
        }
        return negated ? -magnitude : magnitude;
    }

    /** Java rejects a non-zero literal that rounds to zero; so do we. */
    private static boolean hasNonZeroSignificand(String body, boolean hex) {
        int end = body.length();
        for (int i = hex ? 2 : 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (hex ? c == 'p' || c == 'P' : c == 'e' || c == 'E') {
                end = i;
                break;
            }
        }
        String significand = body.substring(hex ? 2 : 0, end);
        return significand.chars().anyMatch(c -> c != '0' && c != '.');
    }

    private static boolean hasLongSuffix(String text) {
        char last = text.charAt(text.length() - 1);
        return last == 'l' || last == 'L';
    }

    private static String digitsOf(String text, boolean longSuffix) {
        return (longSuffix ? text.substring(0, text.length() - 1) : text).replace("_", "");
    }
}
