package io.keelmq.bench.report;

/**
 * One of the performance claims and how this run's figures stand against it.
 *
 * @param claim    the target in words
 * @param measured what was measured, in words, with the figures
 */
public record TargetOutcome(String claim, String measured, Verdict verdict) {
    public enum Verdict {
        MET("met"),
        NOT_MET("NOT met"),
        NOT_EVALUATED("not evaluated");

        private final String words;

        Verdict(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    public static TargetOutcome judged(String claim, String measured, boolean met) {
        return new TargetOutcome(claim, measured, met ? Verdict.MET : Verdict.NOT_MET);
    }

    public static TargetOutcome notEvaluated(String claim, String why) {
        return new TargetOutcome(claim, why, Verdict.NOT_EVALUATED);
    }
}
