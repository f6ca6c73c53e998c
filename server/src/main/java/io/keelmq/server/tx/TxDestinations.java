package io.keelmq.server.tx;

/**
 * The broker-internal store destinations of transactions. Their names cannot clash with a JMS
 * destination's store name ({@code queue/...}, {@code topic/...}, {@code tempqueue/...},
 * {@code temptopic/...}), no subscription ever reads them, so consumers never see their records,
 * and retention keeps them only as long as {@link TransactionService}'s floor asks.
 */
public final class TxDestinations {
    /** Half records: a transacted session's messages, invisible until their transaction commits. */
    public static final String HALF = "system/tx-half";
    /** Op records: the commit decision of a transaction and the marker that it was carried out. */
    public static final String OP = "system/tx-op";
    /**
     * Half records of transactional producers that stayed undecided through {@code transactionCheckMax}
     * check-backs: moved here (a copy at the log's tail, so older segments may go) until an operator decides them.
     */
    public static final String UNRESOLVED = "system/tx-unresolved";

    private TxDestinations() {
    }
}
