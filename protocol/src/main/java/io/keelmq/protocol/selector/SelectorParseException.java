package io.keelmq.protocol.selector;

/**
 * A message selector is syntactically incorrect, or statically invalid under the rules of
 * Jakarta Messaging 3.1 section 3.8.1. The provider turns it into an
 * {@code InvalidSelectorException}; it is checked so that no caller can forget to.
 *
 * <p>{@link #getPosition()} is the zero-based index into the selector text where the problem
 * was found (the start of the offending token or operand); the message repeats it.
 */
public final class SelectorParseException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String selector;
    private final int position;

    SelectorParseException(String problem, String selector, int position) {
        super(problem + " at position " + position);
        this.selector = selector;
        this.position = position;
    }

    /** The selector text that failed to parse. */
    public String getSelector() {
        return selector;
    }

    /** Zero-based character index into {@link #getSelector()} where the problem lies. */
    public int getPosition() {
        return position;
    }
}
