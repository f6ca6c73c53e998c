package io.keelmq.server.security;

import java.util.Arrays;
import java.util.List;

/**
 * A destination name pattern of the authorization file, with ActiveMQ Artemis's wildcards: names are words
 * separated by {@code .}; {@code *} stands for exactly one word and {@code #} for any number of words, none
 * included ({@code orders.#} matches {@code orders}, {@code orders.eu} and {@code orders.eu.new}).
 * A word without wildcards matches itself only; a word mixing a wildcard with other characters is refused.
 *
 * <p>Specificity ({@link #compareSpecificity}), used when several patterns match one name: the patterns are
 * compared word by word from the left, and the first position where they differ decides: a literal word beats
 * {@code *}, {@code *} beats the end of the pattern, and the end of the pattern beats {@code #}. So an exact
 * name beats every wildcard pattern, {@code orders.eu.*} beats {@code orders.*.new}, {@code orders.*} beats
 * {@code orders.#}, and {@code orders} beats {@code orders.#}.
 */
public final class DestinationPattern {
    private static final String ANY_WORDS = "#";
    private static final String ONE_WORD = "*";

    private final String text;
    private final String[] words;

    private DestinationPattern(String text) {
        this.text = text;
        this.words = text.split("\\.", -1);
    }

    /** @throws IllegalArgumentException naming the problem if {@code text} is not a valid pattern */
    public static DestinationPattern parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("empty destination pattern");
        }
        DestinationPattern pattern = new DestinationPattern(text);
        for (String word : pattern.words) {
            if (word.isEmpty()) {
                throw new IllegalArgumentException("destination pattern '" + text + "' has an empty word "
                        + "(words are separated by single dots)");
            }
            if (!word.equals(ANY_WORDS) && !word.equals(ONE_WORD) && (word.contains("*") || word.contains("#"))) {
                throw new IllegalArgumentException("destination pattern '" + text + "': '" + word + "' mixes a "
                        + "wildcard with other characters; * and # stand alone between dots");
            }
            if (word.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("destination pattern '" + text + "' contains white space");
            }
        }
        return pattern;
    }

    /** Whether the destination name {@code name} matches (dynamic programming: linear in words × pattern). */
    public boolean matches(String name) {
        String[] parts = name.split("\\.", -1);
        // tail[i][j]: pattern words from i match name words from j.
        boolean[][] tail = new boolean[words.length + 1][parts.length + 1];
        tail[words.length][parts.length] = true;
        for (int i = words.length - 1; i >= 0; i--) {
            for (int j = parts.length; j >= 0; j--) {
                if (words[i].equals(ANY_WORDS)) {
                    tail[i][j] = tail[i + 1][j] || (j < parts.length && tail[i][j + 1]);
                } else {
                    tail[i][j] = j < parts.length && (words[i].equals(ONE_WORD) || words[i].equals(parts[j]))
                            && tail[i + 1][j + 1];
                }
            }
        }
        return tail[0][0];
    }

    /**
     * Positive if this pattern is more specific than {@code other}, negative if less, 0 if they have the same
     * shape (see the class comment).
     */
    public int compareSpecificity(DestinationPattern other) {
        int length = Math.max(words.length, other.words.length);
        for (int i = 0; i < length; i++) {
            int mine = rank(words, i);
            int theirs = rank(other.words, i);
            if (mine != theirs) {
                return Integer.compare(mine, theirs);
            }
        }
        return 0;
    }

    private static int rank(String[] words, int at) {
        if (at >= words.length) {
            return 1;
        }
        return switch (words[at]) {
            case ANY_WORDS -> 0;
            case ONE_WORD -> 2;
            default -> 3;
        };
    }

    List<String> words() {
        return Arrays.asList(words);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DestinationPattern other && text.equals(other.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
