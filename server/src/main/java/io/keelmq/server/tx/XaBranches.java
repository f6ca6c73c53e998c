package io.keelmq.server.tx;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.AppendResult;
import io.keelmq.store.MessageStore;
import io.keelmq.store.retention.RetentionFloor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * XA branches (spec chapter 11, X/Open XA) on the transaction mechanism of transacted sessions: a branch is the
 * work of transacted sessions between XA_START and XA_END, stored as half records like any transacted send;
 * prepare joins its parts into one {@link Transaction} and forces an XA_PREPARE op record listing the halves (one
 * force covers the halves too: a force covers every byte below it); commit is {@link TransactionService#commit}
 * (the same COMMIT record, the same start-up recovery); rollback of a prepared branch appends a ROLLBACK record.
 * A branch prepared before a restart is found again in the op log ({@link #recover}), with the locks on the messages
 * it consumed from persisted subscriptions (listed in its XA_PREPARE record).
 *
 * <p>An operator may decide a prepared branch heuristically ({@link #decideHeuristically}, {@code keel-admin
 * transaction commit|rollback --xid}): the decision record says so, and the branch is remembered, across restarts,
 * until the transaction manager's XA_FORGET; its commit or rollback meanwhile is answered XA_HEURCOM or XA_HEURRB.
 * As a {@link RetentionFloor} it keeps the XA_PREPARE records of the branches it remembers.
 *
 * <p>Wrong calls throw a {@link RequestException} with the XA error codes ({@code XA_NOTA}, {@code XA_PROTO},
 * {@code XA_DUPID}, {@code XA_RBROLLBACK}, {@code XA_RBTIMEOUT}, {@code XA_HEURCOM}, {@code XA_HEURRB}), which the
 * client maps to XAException codes.
 */
public final class XaBranches implements RetentionFloor {
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
        List<ConsumedMessages> consumed;
        synchronized (this) {
            branch = idleBranch(xid, "prepare");
            branch.state = XaBranch.State.DECIDING;
            parts = List.copyOf(branch.parts);
            consumed = List.copyOf(branch.consumed);
        }
        return transactions.join(xid.txId(), parts).thenCompose(joined -> {
            if (joined.halves().isEmpty() && !branch.hasConsumed()) {
                transactions.rollback(joined);
                forget(branch);
                return CompletableFuture.completedFuture(true);
            }
            long now = clock.millis();
            List<HeldMessage> held = new ArrayList<>();
            consumed.forEach(messages -> held.addAll(messages.held()));
            return store.appendAsync(OpRecords.xaPrepare(xid.txId(), joined.halves(), now, held))
                    .thenCompose(written -> {
                        if (!written.ok()) {
                            synchronized (this) {
                                // Not durable: the branch can still be rolled back (a recovered copy is too).
                                branch.prepared = joined;
                                rollbackNow(branch, false, false);
                                throw error(ErrorCode.XA_RBROLLBACK, xid, "could not be prepared (" + written.status()
                                        + ": " + written.error() + ") and was rolled back");
                            }
                        }
                        return transactions.replication().shortfall(written.endOffset())
                                .thenApply(shortfall -> prepared(branch, joined, now, held, written, shortfall));
                    });
        });
    }

    /**
     * The PREPARE record is durable here. Unless the slaves of a SYNC_MASTER did not confirm it ({@code shortfall}):
     * a master lost now would leave a new master without the branch, and the transaction manager's commit would find
     * nothing, so the branch is rolled back instead (XA_RBROLLBACK, which prepare may answer; a copy a slave got
     * later is rolled back by the ROLLBACK record, or by the transaction manager's recovery, which never logged it).
     */
    private synchronized boolean prepared(XaBranch branch, Transaction joined, long now, List<HeldMessage> held,
                                          AppendResult written, String shortfall) {
        branch.prepared = joined;
        if (shortfall != null) {
            rollbackNow(branch, true, false);
            throw error(ErrorCode.XA_RBROLLBACK, branch.xid, "was rolled back: its PREPARE was not confirmed by "
                    + "this master's slaves (" + shortfall + ")");
        }
        branch.preparedAt = now;
        branch.held = List.copyOf(held);
        branch.prepareRecord = written.physicalOffset();
        branch.state = XaBranch.State.PREPARED;
        return false;
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
            if (branch.isHeuristic()) {
                throw heuristicOutcome(branch);
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
        return joined.thenCompose(tx -> carryOutCommit(deciding, tx, false).handle((ok, failure) -> {
            if (failure == null) {
                return null;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof RequestException known && known.errorCode() == ErrorCode.TRANSACTION_ROLLED_BACK) {
                synchronized (this) {
                    deciding.prepared = tx;
                    rollbackNow(deciding, deciding.preparedAt > 0, false);
                }
                throw error(ErrorCode.XA_RBROLLBACK, xid, "was rolled back: " + known.getMessage());
            }
            // Outcome unknown (INTERNAL): the decision may be durable; the next start carries it out if it is.
            forget(deciding);
            throw cause instanceof RequestException known ? known
                    : new RequestException(ErrorCode.INTERNAL, "commit of " + xid + " failed: " + cause, cause);
        }));
    }

    /**
     * The COMMIT record (also for a prepared branch without sends: a branch that only consumed, which would
     * otherwise be prepared again at the next start), then the consumed messages acknowledged and the subscription
     * positions written before the DONE record: a COMMIT without DONE at start-up acknowledges them again
     * ({@link #recover}), so a committed branch's consumption is never redelivered. {@code heuristic}: an operator's
     * decision, remembered until XA_FORGET instead of forgotten.
     */
    private CompletableFuture<Void> carryOutCommit(XaBranch branch, Transaction tx, boolean heuristic) {
        tx.heuristic(heuristic);
        CompletableFuture<String> decided;
        if (tx.halves().isEmpty() && (branch.preparedAt > 0 || heuristic)) {
            decided = store.appendAsync(OpRecords.commit(tx.id(), List.of(), clock.millis(), heuristic))
                    .thenCompose(written -> {
                        if (written.records().isEmpty()) {
                            throw new RequestException(ErrorCode.TRANSACTION_ROLLED_BACK, "the commit decision of "
                                    + branch.xid + " could not be stored (" + written.status() + ")");
                        }
                        if (!written.ok()) {
                            throw new RequestException(ErrorCode.INTERNAL, "the commit decision of " + branch.xid
                                    + " was written but not confirmed durable (" + written.status() + ")");
                        }
                        return transactions.replication().shortfall(written.endOffset());
                    });
        } else {
            decided = transactions.commit(tx);
        }
        return decided.thenCompose(shortfall -> acknowledgeConsumed(branch).thenApply(acknowledged -> {
            transactions.done(tx);
            if (tx.halves().isEmpty() && (branch.preparedAt > 0 || heuristic)) {
                store.appendReservedAsync(OpRecords.done(tx.id(), clock.millis()));
            }
            synchronized (this) {
                if (heuristic) {
                    branch.state = XaBranch.State.HEURISTIC_COMMITTED;
                } else {
                    forget(branch);
                }
            }
            if (shortfall != null) {
                // Carried out here; the transaction manager hears that it is not on a slave yet (outcome unknown).
                throw new RequestException(ErrorCode.INTERNAL, ReplicationWait.unconfirmed("the commit of XA branch "
                        + branch.xid, shortfall));
            }
            return null;
        }));
    }

    private CompletableFuture<Void> acknowledgeConsumed(XaBranch branch) {
        CompletableFuture<?>[] acks = branch.consumed.stream().map(ConsumedMessages::acknowledge)
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(acks).thenRun(() -> {
            if (branch.held.isEmpty()) {
                return;
            }
            try {
                store.positions().persist();
            } catch (IOException e) {
                // Not lost: the COMMIT has no DONE yet, so the next start acknowledges them again.
                LOG.warn("positions after the commit of XA branch {} not written: {}", branch.xid, e.toString());
            }
        });
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
        if (branch.isHeuristic()) {
            throw heuristicOutcome(branch);
        }
        if (branch.state == XaBranch.State.ACTIVE || branch.state == XaBranch.State.SUSPENDED
                || branch.state == XaBranch.State.DECIDING) {
            throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + "; end it before rolling it back");
        }
        return rollbackNow(branch, branch.state == XaBranch.State.PREPARED, false);
    }

    /**
     * XA_FORGET: the transaction manager has seen the heuristic outcome; a FORGET record (forced) ends the broker's
     * memory of the branch.
     */
    public CompletableFuture<Void> forget(XaXid xid) {
        XaBranch branch;
        synchronized (this) {
            branch = branches.get(xid);
            if (branch == null) {
                throw error(ErrorCode.XA_NOTA, xid, "is not a heuristically completed branch of this broker");
            }
            if (!branch.isHeuristic()) {
                throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + ", not heuristically completed; decide "
                        + "it with commit or rollback");
            }
        }
        return store.appendAsync(OpRecords.forget(xid.txId(), clock.millis())).thenApply(written -> {
            if (!written.ok()) {
                throw new RequestException(ErrorCode.INTERNAL, "XA branch " + xid + " could not be forgotten ("
                        + written.status() + ": " + written.error() + "); forget it again");
            }
            forget(branch);
            return null;
        });
    }

    /**
     * An operator's heuristic decision on a prepared branch ({@code keel-admin transaction commit|rollback --xid}):
     * carried out like the transaction manager's, and remembered as heuristic until XA_FORGET. Deciding a branch
     * already decided the same way again answers the outcome; the other way is refused.
     *
     * @return {@code HEURISTIC_COMMITTED} or {@code HEURISTIC_ROLLED_BACK}
     */
    public CompletableFuture<String> decideHeuristically(XaXid xid, boolean commit) {
        XaBranch branch;
        XaBranch.State wanted = commit ? XaBranch.State.HEURISTIC_COMMITTED : XaBranch.State.HEURISTIC_ROLLED_BACK;
        synchronized (this) {
            branch = branches.get(xid);
            if (branch == null) {
                throw error(ErrorCode.NOT_FOUND, xid, "is not an in-doubt branch of this broker (never prepared, or "
                        + "decided and forgotten)");
            }
            if (branch.state == wanted) {
                return CompletableFuture.completedFuture(wanted.name());
            }
            if (branch.state != XaBranch.State.PREPARED) {
                throw error(ErrorCode.ILLEGAL_STATE, xid, "is " + branch.state + "; only a prepared branch can be "
                        + "decided heuristically");
            }
            branch.state = XaBranch.State.DECIDING;
            if (!commit) {
                return rollbackNow(branch, true, true).thenApply(done -> wanted.name());
            }
        }
        LOG.warn("XA branch {} committed heuristically by an operator", xid);
        return carryOutCommit(branch, branch.prepared, true).handle((ok, failure) -> {
            if (failure == null) {
                return wanted.name();
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof RequestException known && known.errorCode() == ErrorCode.TRANSACTION_ROLLED_BACK) {
                // Nothing was decided: still in doubt.
                synchronized (this) {
                    branch.state = XaBranch.State.PREPARED;
                }
            }
            throw cause instanceof RequestException known ? known
                    : new RequestException(ErrorCode.INTERNAL, "heuristic commit of " + xid + " failed: " + cause,
                    cause);
        });
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

    /** Every prepared branch, oldest first. */
    public synchronized List<XaXid> prepared() {
        return inState(branch -> branch.state == XaBranch.State.PREPARED);
    }

    /** XA_RECOVER: every prepared branch and every heuristically completed one not forgotten yet, oldest first. */
    public synchronized List<XaXid> recoverable() {
        return inState(branch -> branch.state == XaBranch.State.PREPARED || branch.isHeuristic());
    }

    private List<XaXid> inState(java.util.function.Predicate<XaBranch> wanted) {
        List<XaBranch> all = new ArrayList<>();
        for (XaBranch branch : branches.values()) {
            if (wanted.test(branch)) {
                all.add(branch);
            }
        }
        all.sort((a, b) -> Long.compare(a.prepareRecord, b.prepareRecord));
        return all.stream().map(branch -> branch.xid).toList();
    }

    /**
     * The branches an operator may decide or should know about ({@code keel-admin transaction list}): prepared and
     * heuristically completed ones, oldest first, with the destinations they touched (read from their halves).
     */
    public List<XaBranchSummary> summaries() throws IOException {
        List<XaBranch> listed = new ArrayList<>();
        synchronized (this) {
            for (XaXid xid : recoverable()) {
                listed.add(branches.get(xid));
            }
        }
        List<XaBranchSummary> summaries = new ArrayList<>();
        for (XaBranch branch : listed) {
            Set<String> destinations = new LinkedHashSet<>();
            List<Long> halves = branch.prepared == null ? List.of() : branch.prepared.halves();
            for (long half : halves) {
                destinations.add(HalfRecords.toReal(store.read(half)).destination());
            }
            branch.held.forEach(message -> destinations.add(message.destination()));
            String state = branch.state == XaBranch.State.DECIDING ? "PREPARED" : branch.state.name();
            summaries.add(new XaBranchSummary(branch.xid, state, branch.preparedAt, destinations,
                    halves.size() + branch.held.size()));
        }
        return summaries;
    }

    /** Rolls back every unprepared branch past its deadline (run by the broker's timer). */
    public synchronized void expire() {
        long now = clock.millis();
        for (XaBranch branch : new ArrayList<>(branches.values())) {
            if (branch.deadline <= now && branch.state != XaBranch.State.PREPARED
                    && branch.state != XaBranch.State.DECIDING && !branch.isHeuristic()) {
                LOG.info("XA branch {} passed its transaction timeout unprepared: rolled back", branch.xid);
                timedOut.put(branch.xid, Boolean.TRUE);
                rollbackNow(branch, false, false);
            }
        }
    }

    /**
     * Start-up, before {@link TransactionService#recover()} writes the DONE records: every branch whose XA_PREPARE is
     * stored without a decision is prepared again, its halves kept by retention and the messages it consumed locked
     * again ({@code restorer}) until the transaction manager decides it; a heuristically completed branch not yet
     * forgotten is remembered; a committed branch without DONE has its consumed messages acknowledged (again).
     */
    public synchronized int recover(ConsumedMessages.Restorer restorer) throws IOException {
        OpLog.XaState logged = new OpLog(store).xaBranches();
        for (OpRecords.Op op : logged.prepared()) {
            XaBranch branch = recovered(op, restorer);
            branch.state = XaBranch.State.PREPARED;
        }
        for (OpLog.Heuristic heuristic : logged.heuristic()) {
            XaBranch branch = new XaBranch(XaXid.ofTxId(heuristic.prepare().txId()), Long.MAX_VALUE);
            fill(branch, heuristic.prepare());
            branch.state = heuristic.committed() ? XaBranch.State.HEURISTIC_COMMITTED
                    : XaBranch.State.HEURISTIC_ROLLED_BACK;
            branches.put(branch.xid, branch);
        }
        boolean acknowledged = false;
        for (OpRecords.Op prepare : logged.committedNotDone()) {
            if (!prepare.held().isEmpty()) {
                restorer.restore(prepare.held()).acknowledge().join();
                acknowledged = true;
            }
        }
        if (acknowledged) {
            store.positions().persist();
        }
        if (!branches.isEmpty()) {
            LOG.info("{} prepared or heuristically completed XA branches await their transaction manager",
                    branches.size());
        }
        return branches.size();
    }

    private XaBranch recovered(OpRecords.Op op, ConsumedMessages.Restorer restorer) {
        XaBranch branch = new XaBranch(XaXid.ofTxId(op.txId()), Long.MAX_VALUE);
        fill(branch, op);
        branch.prepared = transactions.ofStored(op.txId(), op.halves());
        if (!op.held().isEmpty()) {
            branch.consumed.add(restorer.restore(op.held()));
        }
        branches.put(branch.xid, branch);
        return branch;
    }

    private static void fill(XaBranch branch, OpRecords.Op prepare) {
        branch.active = 0;
        branch.preparedAt = prepare.preparedAt();
        branch.prepareRecord = prepare.physicalOffset();
        branch.held = prepare.held();
    }

    @Override
    public synchronized long minRequiredPhysicalOffset() {
        long floor = Long.MAX_VALUE;
        for (XaBranch branch : branches.values()) {
            floor = Math.min(floor, branch.prepareRecord);
        }
        return floor;
    }

    private XaBranch idleBranch(XaXid xid, String what) {
        XaBranch branch = branches.get(xid);
        if (branch == null) {
            throw notFound(xid);
        }
        if (branch.state == XaBranch.State.ROLLBACK_ONLY) {
            rollbackNow(branch, false, false);
            throw rolledBack(branch, "was marked rollback-only and is rolled back");
        }
        if (branch.state != XaBranch.State.IDLE) {
            throw error(ErrorCode.XA_PROTO, xid, "is " + branch.state + "; " + what + " needs an ended branch");
        }
        return branch;
    }

    /**
     * Drops the branch's sends and releases what it consumed; a prepared one gets a ROLLBACK record. {@code heuristic}:
     * an operator's decision, so the branch stays remembered as HEURISTIC_ROLLED_BACK until XA_FORGET.
     */
    private CompletableFuture<Void> rollbackNow(XaBranch branch, boolean wasPrepared, boolean heuristic) {
        branch.parts.forEach(transactions::rollback);
        if (branch.prepared != null) {
            transactions.rollback(branch.prepared);
        }
        branch.consumed.forEach(ConsumedMessages::release);
        if (heuristic) {
            branch.state = XaBranch.State.HEURISTIC_ROLLED_BACK;
            LOG.warn("XA branch {} rolled back heuristically by an operator", branch.xid);
        } else {
            branches.remove(branch.xid);
        }
        if (!wasPrepared) {
            return CompletableFuture.completedFuture(null);
        }
        // Forced: if it were lost, the branch would be prepared again after a restart (the TM would roll it back).
        return store.appendAsync(OpRecords.rollback(branch.xid.txId(), clock.millis(), heuristic)).thenApply(written -> {
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

    /** X/Open: a decision on a heuristically completed branch reports what the operator did. */
    private static RequestException heuristicOutcome(XaBranch branch) {
        boolean committed = branch.state == XaBranch.State.HEURISTIC_COMMITTED;
        return error(committed ? ErrorCode.XA_HEURCOM : ErrorCode.XA_HEURRB, branch.xid, "was "
                + (committed ? "committed" : "rolled back") + " heuristically by an operator; forget it");
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
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
