package io.keelmq.store;

/**
 * The transaction role of a record. The store keeps it and never interprets it: the
 * broker writes half records to a destination of its own and decides them with commit
 * or rollback records (ARCHITECTURE.md, "Transactions").
 */
public enum TxState {
    NONE(0), PREPARED(1), COMMIT(2), ROLLBACK(3);

    private final byte code;

    TxState(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    public static TxState fromCode(byte code) {
        for (TxState state : values()) {
            if (state.code == code) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown transaction state code " + code);
    }
}
