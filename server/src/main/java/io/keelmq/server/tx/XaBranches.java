package io.keelmq.server.tx;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * XA branches (spec chapter 11, X/Open XA) on the transaction mechanism of transacted sessions: a branch is the
 * work of transacted sessions between XA_START and XA_END, stored as half records like any transacted send;
 * prepare joins its parts into one {@link Transaction} and forces an XA_PREPARE op record listing the halves (one
 * force covers the halves too: a force covers every byte below it); commit is {@link TransactionService#commit}
 * (the same COMMIT record, the same start-up recovery); rollback of a prepared branch appends a ROLLBACK record.
 * A branch prepared before a restart is found again in the op log ({@link #recover()}).
 *
 * <p>Wrong calls throw a {@link RequestException} with the XA error codes ({@code XA_NOTA}, {@code XA_PROTO},
 * {@code XA_DUPID}, {@code XA_RBROLLBACK}, {@code XA_RBTIMEOUT}), which the client maps to XAException codes.
 */
public final class XaBranches {
    private static final Logger LOG = LoggerFactory.getLogger(XaBranches.class);
    /** How many branches rolled back by their timeout are remembered, to answer XA_RBTIMEOUT rather than XA_NOTA. */
    private static final int TIMED_OUT_MEMORY = 10_000;

    public static final int TMNOFLAGS = 0;
    public static final int TMJOIN = 0x00200000;
    public static final int TMRESUME = 0x08000000;
    public static final int TMSUCCESS = 0x04000000;
    public static final int TMFAIL = 0x20000000;
    public static final int TMSUSPEND = 0x02000000;

    private final MessageStore store;
    private final TransactionService transactions;
    private final java.time.Clock clock;
    private final Map<XaXid, XaBranch> branches = new HashMap<>();
    private final Map<XaXid, Boolean> timedOut = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<XaXid, Boolean> eldest) {
            return size() > TIMED_OUT_MEMORY;
        }
    });

    public XaBranches(MessageStore store, TransactionService transactions, java.time.Clock clock) {
        this.store = store;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * XA_START: a session's work from now on belongs to {@code xid}. {@code timeoutSeconds} > 0 sets the branch's
     * timeout (counted from its first start).
     */
    public synchronized void start(XaXid xid, int flags, int timeoutSeconds) {
        XaBranch branch = branches.get(xid);
        if (flags == TMNOFLAGS) {
            if (branch != null) {
                throw error(ErrorCode.XA_DUPID, xid, "exists already; start it with TMJOIN or TMRESUME");
            }
            long deadline = timeoutSeconds > 0 ? clock.millis() + timeoutSeconds * 1000L : Long.MAX_VALUE;
            branch = new XaBranch(xid, deadline);
            branch.active = 1;
            branches.put(xid, branch);
            timedOut.remove(xid);
            return;
        }
        if (branch == null) {
            throw notFound(xid);
        }
        if (flags == TMJOIN && (branch.state == XaBranch.State.IDLE || branch.state == XaBranch.State.ACTIVE)
                || flags == TMRESUME && branch.state == XaBranch.State.SUSPENDED) {
            branch.state = XaBranch.State.ACTIVE;
            branch.active++;
            return;
        }
        if (branch.state == XaBranch.State.ROLLBACK_ONLY) {
            throw rolledBack(branch, "is marked rollback-only");
        }
        throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + "; start with flags 0x" + Integer.toHexString(flags)
                + " is not valid now");
    }

    /**
     * XA_END: the session's work since its XA_START ({@code part}, and the messages it consumed) joins the branch.
     * TMFAIL marks the branch rollback-only; a branch rolled back meanwhile (timeout) answers XA_RB*.
     */
    public synchronized void end(XaXid xid, int flags, Transaction part, ConsumedMessages consumed) {
        XaBranch branch = branches.get(xid);
        if (branch == null) {
            // Rolled back by its timeout while associated: its late work is dropped too.
            transactions.rollback(part);
            consumed.release();
            if (timedOut.containsKey(xid)) {
                throw error(ErrorCode.XA_RBTIMEOUT, xid, "was rolled back by the broker: its transaction timeout "
                        + "passed before it was prepared");
            }
            throw notFound(xid);
        }
        if (branch.state != XaBranch.State.ACTIVE && branch.state != XaBranch.State.ROLLBACK_ONLY) {
            transactions.rollback(part);
            consumed.release();
            throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + ", not associated with a session");
        }
        branch.parts.add(part);
        branch.consumed.add(consumed);
        branch.active = Math.max(0, branch.active - 1);
        if (flags == TMFAIL || branch.state == XaBranch.State.ROLLBACK_ONLY) {
            branch.state = XaBranch.State.ROLLBACK_ONLY;
            if (flags == TMFAIL) {
                return;
            }
            throw rolledBack(branch, "is marked rollback-only");
        }
        if (branch.active == 0) {
            branch.state = flags == TMSUSPEND ? XaBranch.State.SUSPENDED : XaBranch.State.IDLE;
        }
    }

    /**
     * A session associated with {@code xid} went away without XA_END (closed, connection lost): its work is
     * dropped by the caller and the branch can only roll back.
     */
    public synchronized void abandoned(XaXid xid) {
        XaBranch branch = branches.get(xid);
        if (branch != null && branch.state != XaBranch.State.PREPARED) {
            branch.active = Math.max(0, branch.active - 1);
            branch.state = XaBranch.State.ROLLBACK_ONLY;
        }
    }

    /**
     * XA_PREPARE: completes with true for a read-only branch (no sends, nothing consumed: forgotten at once, XA_RDONLY)
     * or false once the branch's halves and its XA_PREPARE record are durable.
     */
    public CompletableFuture<Boolean> prepare(XaXid xid) {
        XaBranch branch;
        List<Transaction> parts;
        synchronized (this) {
            branch = idleBranch(xid, "prepare");
            branch.state = XaBranch.State.DECIDING;
            parts = List.copyOf(branch.parts);
        }
        return transactions.join(xid.txId(), parts).thenCompose(joined -> {
            if (joined.halves().isEmpty() && !branch.hasConsumed()) {
                transactions.rollback(joined);
                forget(branch);
                return CompletableFuture.completedFuture(true);
            }
            long now = clock.millis();
            return store.appendAsync(OpRecords.xaPrepare(xid.txId(), joined.halves(), now)).thenApply(written -> {
                synchronized (this) {
                    if (!written.ok()) {
                        // Not durable: the branch can still be rolled back (a recovered copy is rolled back too).
                        branch.prepared = joined;
                        rollbackNow(branch, false);
                        throw error(ErrorCode.XA_RBROLLBACK, xid, "could not be prepared (" + written.status() + ": "
                                + written.error() + ") and was rolled back");
                    }
                    branch.prepared = joined;
                    branch.preparedAt = now;
                    branch.state = XaBranch.State.PREPARED;
                    return false;
                }
            });
        });
    }

    /**
     * XA_COMMIT: a prepared branch, or with {@code onePhase} an ended one that is not prepared. Completes once the
     * branch's messages are in their destinations and its consumed messages acknowledged.
     */
    public CompletableFuture<Void> commit(XaXid xid, boolean onePhase) {
        CompletableFuture<Transaction> joined;
        XaBranch branch;
        synchronized (this) {
            branch = branches.get(xid);
            if (branch == null) {
                throw notFound(xid);
            }
            if (onePhase) {
                branch = idleBranch(xid, "commit with onePhase");
                branch.state = XaBranch.State.DECIDING;
                joined = transactions.join(xid.txId(), List.copyOf(branch.parts));
            } else if (branch.state == XaBranch.State.PREPARED) {
                branch.state = XaBranch.State.DECIDING;
                joined = CompletableFuture.completedFuture(branch.prepared);
            } else {
                throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + "; a two-phase commit needs a prepared "
                        + "branch");
            }
        }
        XaBranch deciding = branch;
        return joined.thenCompose(tx -> transactions.commit(tx).handle((ok, failure) -> {
            if (failure == null) {
                deciding.consumed.forEach(ConsumedMessages::acknowledge);
                transactions.done(tx);
                forget(deciding);
                return null;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof RequestException known && known.errorCode() == ErrorCode.TRANSACTION_ROLLED_BACK) {
                synchronized (this) {
                    deciding.prepared = tx;
                    rollbackNow(deciding, deciding.preparedAt > 0);
                }
                throw error(ErrorCode.XA_RBROLLBACK, xid, "was rolled back: " + known.getMessage());
            }
            // Outcome unknown (INTERNAL): the decision may be durable; the next start carries it out if it is.
            forget(deciding);
            throw cause instanceof RequestException known ? known
                    : new RequestException(ErrorCode.INTERNAL, "commit of " + xid + " failed: " + cause, cause);
        }));
    }

    /** XA_ROLLBACK of a branch that is not associated with a session. */
    public synchronized CompletableFuture<Void> rollback(XaXid xid) {
        XaBranch branch = branches.get(xid);
        if (branch == null) {
            if (timedOut.remove(xid) != null) {
                // Rolled back already by its timeout: the TM's rollback confirms it.
                return CompletableFuture.completedFuture(null);
            }
            throw notFound(xid);
        }
        if (branch.state == XaBranch.State.ACTIVE || branch.state == XaBranch.State.SUSPENDED
                || branch.state == XaBranch.State.DECIDING) {
            throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + "; end it before rolling it back");
        }
        return rollbackNow(branch, branch.state == XaBranch.State.PREPARED);
    }

    /** XA_FORGET: KeelMQ completes no branch heuristically, so there is never anything to forget. */
    public synchronized void forget(XaXid xid) {
        XaBranch branch = branches.get(xid);
        if (branch == null) {
            throw error(ErrorCode.XA_NOTA, xid, "is not a heuristically completed branch of this broker");
        }
        throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + ", not heuristically completed; decide it with "
                + "commit or rollback");
    }

    /**
     * Whether an ended branch that is not decided yet consumed this message: a session or connection that closes
     * leaves it in flight (locked) for the branch's decision instead of releasing it.
     */
    public synchronized boolean holds(Object consumer, int partition, long queueOffset) {
        for (XaBranch branch : branches.values()) {
            for (ConsumedMessages messages : branch.consumed) {
                if (messages.holds(consumer, partition, queueOffset)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** XA_RECOVER: every prepared branch, oldest first. */
    public synchronized List<XaXid> prepared() {
        List<XaBranch> all = new ArrayList<>();
        for (XaBranch branch : branches.values()) {
            if (branch.state == XaBranch.State.PREPARED) {
                all.add(branch);
            }
        }
        all.sort((a, b) -> Long.compare(a.preparedAt, b.preparedAt));
        return all.stream().map(branch -> branch.xid).toList();
    }

    /** Rolls back every unprepared branch past its deadline (run by the broker's timer). */
    public synchronized void expire() {
        long now = clock.millis();
        for (XaBranch branch : new ArrayList<>(branches.values())) {
            if (branch.deadline <= now && branch.state != XaBranch.State.PREPARED
                    && branch.state != XaBranch.State.DECIDING) {
                LOG.info("XA branch {} passed its transaction timeout unprepared: rolled back", branch.xid);
                timedOut.put(branch.xid, Boolean.TRUE);
                rollbackNow(branch, false);
            }
        }
    }

    /**
     * Start-up: every branch whose XA_PREPARE is stored without a decision is prepared again, its halves kept by
     * retention until the transaction manager decides it.
     */
    public synchronized int recover() throws IOException {
        for (OpRecords.Op op : new OpLog(store).preparedBranches()) {
            XaXid xid = XaXid.ofTxId(op.txId());
            if (xid == null) {
                continue;
            }
            XaBranch branch = new XaBranch(xid, Long.MAX_VALUE);
            branch.active = 0;
            branch.prepared = transactions.ofStored(op.txId(), op.halves());
            branch.preparedAt = op.physicalOffset(); // only orders the branches for XA_RECOVER
            branch.state = XaBranch.State.PREPARED;
            branches.put(xid, branch);
        }
        if (!branches.isEmpty()) {
            LOG.info("{} prepared XA branches await their transaction manager's decision", branches.size());
        }
        return branches.size();
    }

    private XaBranch idleBranch(XaXid xid, String what) {
        XaBranch branch = branches.get(xid);
        if (branch == null) {
            throw notFound(xid);
        }
        if (branch.state == XaBranch.State.ROLLBACK_ONLY) {
            rollbackNow(branch, false);
            throw rolledBack(branch, "was marked rollback-only and is rolled back");
        }
        if (branch.state != XaBranch.State.IDLE) {
            throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + "; " + what + " needs an ended branch");
        }
        return branch;
    }

    /** Drops the branch's sends and releases what it consumed; a prepared one gets a ROLLBACK record. */
    private CompletableFuture<Void> rollbackNow(XaBranch branch, boolean wasPrepared) {
        branch.parts.forEach(transactions::rollback);
        if (branch.prepared != null) {
            transactions.rollback(branch.prepared);
        }
        branch.consumed.forEach(ConsumedMessages::release);
        branches.remove(branch.xid);
        if (!wasPrepared) {
            return CompletableFuture.completedFuture(null);
        }
        // Forced: if it were lost, the branch would be prepared again after a restart (the TM would roll it back).
        return store.appendAsync(OpRecords.rollback(branch.xid.txId(), clock.millis())).thenApply(written -> {
            if (!written.ok()) {
                LOG.warn("ROLLBACK record of XA branch {} not durable ({}); after a restart it is prepared again",
                        branch.xid, written.status());
            }
            return null;
        });
    }

    private synchronized void forget(XaBranch branch) {
        branches.remove(branch.xid, branch);
    }

    private RequestException rolledBack(XaBranch branch, String why) {
        return error(branch.timedOut ? ErrorCode.XA_RBTIMEOUT : ErrorCode.XA_RBROLLBACK, branch.xid, why);
    }

    private RequestException notFound(XaXid xid) {
        if (timedOut.containsKey(xid)) {
            return error(ErrorCode.XA_RBTIMEOUT, xid, "was rolled back by the broker: its transaction timeout passed "
                    + "before it was prepared");
        }
        return error(ErrorCode.XA_NOTA, xid, "is not known to this broker (never started, or already decided)");
    }

    private static RequestException error(ErrorCode code, XaXid xid, String what) {
        return new RequestException(code, "XA branch " + xid + " " + what);
    }

    /** Test access: branches in any state. */
    synchronized int size() {
        return branches.size();
    }

}
