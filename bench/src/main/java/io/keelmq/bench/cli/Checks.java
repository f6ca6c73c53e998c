package io.keelmq.bench.cli;

/** Option values picocli's types cannot refuse on their own. */
final class Checks {
    private Checks() {
    }

    static void positive(String option, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, not " + value);
        }
    }
}
