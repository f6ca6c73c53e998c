package io.keelmq.server.tx;

import java.util.ArrayList;
import java.util.List;

/**
 * One XA branch on the broker: the pieces of work the sessions associated with it (one {@link Transaction} and its
 * consumed messages per XA_END), its state in the X/Open XA state table, and its deadline. Guarded by
 * {@link XaBranches}' lock.
 */
final class XaBranch {
    /**
     * HEURISTIC_*: an operator decided the prepared branch ({@code keel-admin transaction commit|rollback --xid}); it
     * is remembered until the transaction manager's XA_FORGET.
     */
    enum State { ACTIVE, SUSPENDED, IDLE, ROLLBACK_ONLY, PREPARED, DECIDING, HEURISTIC_COMMITTED, HEURISTIC_ROLLED_BACK }

    final XaXid xid;
    final List<Transaction> parts = new ArrayList<>();
    final List<ConsumedMessages> consumed = new ArrayList<>();
    State state;
    /** Sessions associated right now (TMJOIN may add more than one). */
    int active;
    /** Epoch ms after which an unprepared branch is rolled back by the broker; Long.MAX_VALUE for none. */
    long deadline;
    boolean timedOut;
    /** Set once prepared (or recovered prepared): the joined transaction its decision commits. */
    Transaction prepared;
    /** Epoch ms of the prepare (0: not prepared). */
    long preparedAt;
    /** The messages of persisted subscriptions it consumed, as its XA_PREPARE record lists them. */
    List<HeldMessage> held = List.of();
    /** Commit-log offset of its XA_PREPARE record, kept by retention while the branch is remembered. */
    long prepareRecord = Long.MAX_VALUE;

    XaBranch(XaXid xid, long deadline) {
        this.xid = xid;
        this.deadline = deadline;
        this.state = State.ACTIVE;
    }

    boolean hasConsumed() {
        return consumed.stream().anyMatch(messages -> !messages.isEmpty());
    }

    boolean isHeuristic() {
        return state == State.HEURISTIC_COMMITTED || state == State.HEURISTIC_ROLLED_BACK;
    }
}
