package io.keelmq.server.tx;

/** How a producer transaction ended; the names are also the protocol's {@code outcome} header values. */
public enum TxOutcome {
    COMMITTED, ROLLED_BACK;

    /** The outcome a decision word leads to ({@code COMMIT} or {@code ROLLBACK}). */
    public static TxOutcome ofDecision(String decision) {
        return switch (decision) {
            case "COMMIT" -> COMMITTED;
            case "ROLLBACK" -> ROLLED_BACK;
            default -> throw new IllegalArgumentException("a decision is COMMIT or ROLLBACK, not " + decision);
        };
    }
}
