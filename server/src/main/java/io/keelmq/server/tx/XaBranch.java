package io.keelmq.server.tx;

import java.util.ArrayList;
import java.util.List;

/**
 * One XA branch on the broker: the pieces of work the sessions associated with it (one {@link Transaction} and its
 * consumed messages per XA_END), its state in the X/Open XA state table, and its deadline. Guarded by
 * {@link XaBranches}' lock.
 */
final class XaBranch {
    enum State { ACTIVE, SUSPENDED, IDLE, ROLLBACK_ONLY, PREPARED, DECIDING }

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
    long preparedAt;

    XaBranch(XaXid xid, long deadline) {
        this.xid = xid;
        this.deadline = deadline;
        this.state = State.ACTIVE;
    }

    boolean hasConsumed() {
        return consumed.stream().anyMatch(messages -> !messages.isEmpty());
    }
}
