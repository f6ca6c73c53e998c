package io.keelmq.server.tx;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageStore;
import io.keelmq.store.retention.RetentionFloor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Local transactions as half records decided by one op record (ARCHITECTURE.md, "Transactions";
 * store/README.md, "Transactions"). A transacted session's sends are stored as halves
 * ({@link HalfRecords}), answered once written; COMMIT appends one COMMIT op record listing them
 * (the decision), then the real messages to their destinations ({@link Materializer}), and waits
 * for one force that makes halves, decision and messages durable together (see {@link #commit}
 * for why that is safe); the caller applies the consumed acknowledgements and calls {@link #done},
 * which appends the DONE op record. ROLLBACK merely forgets the halves: without a COMMIT record
 * they are never delivered. {@link #recover()} carries out, at start-up, every COMMIT without DONE.
 *
 * <p>As a {@link RetentionFloor} it keeps the segments holding halves of transactions that are open
 * or committed but not yet done; nothing else in the internal destinations holds retention back.
 */
public final class TransactionService implements RetentionFloor {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionService.class);

    private final MessageStore store;
    private final Materializer materializer;
    private final Clock clock;
    private final ReplicationWait replication;
    /** Transactions whose halves retention must keep: open ones, and committed ones not yet done. */
    private final Set<Transaction> live = ConcurrentHashMap.newKeySet();
    /** Transaction ids are unique across restarts: a run prefix plus a counter. */
    private final String idPrefix = "tx-" + UUID.randomUUID() + "-";
    private final AtomicLong nextId = new AtomicLong();
    /** Where a COMMIT stops, as if the broker died there (tests only). */
    enum Stop { NOWHERE, AFTER_DECISION, BEFORE_DONE }

    private volatile Stop stop = Stop.NOWHERE;

    public TransactionService(MessageStore store, Materializer materializer, Clock clock) {
        this(store, materializer, clock, ReplicationWait.NONE);
    }

    /** @param replication what a decision waits for besides its force (a SYNC_MASTER's slaves) */
    public TransactionService(MessageStore store, Materializer materializer, Clock clock,
                              ReplicationWait replication) {
        this.store = store;
        this.materializer = materializer;
        this.clock = clock;
        this.replication = replication;
    }

    /** What decisions wait for besides their force; XA decisions written outside {@link #commit} use it too. */
    public ReplicationWait replication() {
        return replication;
    }

    /** A new, empty transaction for a transacted session. */
    public Transaction begin() {
        Transaction tx = new Transaction(idPrefix + nextId.incrementAndGet());
        live.add(tx);
        return tx;
    }

    /**
     * A transaction over halves already stored and made durable elsewhere (a transactional producer's half), to be
     * committed with {@link #commit} and {@link #done}: same decision record, same recovery.
     */
    public Transaction ofStored(String id, List<Long> halves) {
        Transaction tx = new Transaction(id);
        tx.recovered(halves);
        live.add(tx);
        return tx;
    }

    /**
     * One transaction over the halves of {@code parts} (the pieces of an XA branch, one per XA_END), once every send of
     * them is answered: retention keeps the halves through the joined transaction from then on.
     */
    public CompletableFuture<Transaction> join(String id, List<Transaction> parts) {
        CompletableFuture<?>[] settled = parts.stream().map(Transaction::sendsSettled).toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(settled).thenApply(all -> {
            List<Long> halves = new java.util.ArrayList<>();
            parts.forEach(part -> halves.addAll(part.halves()));
            halves.sort(null);
            Transaction joined = ofStored(id, halves);
            parts.forEach(live::remove);
            return joined;
        });
    }

    /** ROLLBACK, session close or connection loss: the halves are never delivered and may be deleted. */
    public void rollback(Transaction tx) {
        live.remove(tx);
    }

    /**
     * Commits once every send of {@code tx} is answered. Completes when the messages are in their
     * destinations (visible to consumers), or exceptionally with a {@link RequestException}:
     * TRANSACTION_ROLLED_BACK when the decision could not be written (nothing is delivered), INTERNAL
     * when it may or may not be durable or was made but not yet carried out (done at the next start).
     * A transaction without sends completes at once. On success the caller acknowledges the consumed
     * messages, then calls {@link #done}. It completes with null, or, on a SYNC_MASTER whose slaves did not
     * confirm the commit, with their status ({@link ReplicationWait}): the commit is carried out all the same
     * (the caller acknowledges and calls done) and the caller says so in its answer.
     *
     * <p>Order of writes and the one force (why one force is enough):
     * <ol>
     * <li>The halves were written, not forced, when their sends were answered.</li>
     * <li>The COMMIT record is written after them, then the real messages after it (not forced either).</li>
     * <li>One force up to the end of the real messages. A force covers every byte of the log below its
     * target, in every segment ({@code CommitLog.flush}), so once it returns the halves, the decision
     * and the messages are all durable: the decision's durability is what commits.</li>
     * <li>Before that force nothing of the transaction is visible: under SYNC_FLUSH the dispatcher only
     * puts forced records in the consume queues, so no consumer sees a message whose decision could
     * still be lost.</li>
     * <li>A crash before the force completes leaves, after recovery, a prefix of the log (recovery cuts at
     * the first torn or missing record and everything after it). A message that survives therefore
     * has its decision and halves before it; a decision that survives without all its messages is
     * completed at start-up ({@link #recover()}); without the decision nothing is delivered.</li>
     * <li>DONE is appended after the force returned, so it is always after the messages in the log and
     * can never be durable while they are not.</li>
     * </ol>
     */
    public CompletableFuture<String> commit(Transaction tx) {
        return tx.sendsSettled().thenCompose(settled -> {
            List<Long> halves = tx.halves();
            if (halves.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return store.appendBatchReservedWrittenAsync(List.of(OpRecords.commit(tx.id(), halves, clock.millis(),
                    tx.heuristic())))
                    .thenCompose(decision -> afterDecisionWritten(tx, halves, decision));
        });
    }

    private CompletableFuture<String> afterDecisionWritten(Transaction tx, List<Long> halves, AppendResult decision) {
        if (decision.records().isEmpty()) {
            // Nothing of the record is in the log (a failed append is undone), so it can never be recovered.
            live.remove(tx);
            throw new RequestException(ErrorCode.TRANSACTION_ROLLED_BACK, "the commit decision of " + tx
                    + " could not be stored (" + decision.status() + ": " + decision.error()
                    + "); it is rolled back and none of its messages will be delivered");
        }
        if (stop == Stop.AFTER_DECISION) {
            return store.awaitDurable(decision).thenApply(durable -> {
                throw stopped(tx, "after its commit decision");
            });
        }
        long decisionOffset = decision.physicalOffset();
        return materializer.write(halves, decisionOffset, false).handle((written, failure) -> {
            if (failure == null) {
                return whenDurable(tx, written.isEmpty() ? decision : written.get(written.size() - 1), written);
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            // Still force the decision: if it becomes durable the next start stores the messages.
            return store.awaitDurable(decision).<String>thenApply(durable -> {
                if (durable.ok()) {
                    LOG.error("{} is committed but its messages could not all be stored; the next start stores them",
                            tx, cause);
                    throw new RequestException(ErrorCode.INTERNAL, tx + " is committed but not all of its messages "
                            + "could be stored yet (" + cause.getMessage() + "); the broker stores them at its next "
                            + "start");
                }
                throw unknownOutcome(tx, durable);
            });
        }).thenCompose(next -> next);
    }

    /**
     * The one force of the commit: covers the halves, the decision and the messages (see {@link #commit}); then the
     * slaves' confirmation of all of it, as for a send.
     */
    private CompletableFuture<String> whenDurable(Transaction tx, AppendResult lastWritten,
                                                  List<AppendResult> written) {
        return store.awaitDurable(lastWritten).thenCompose(durable -> {
            if (!durable.ok()) {
                if (durable.status() == AppendStatus.FLUSH_DISK_TIMEOUT) {
                    // Carried out all the same: if a crash loses the decision it loses everything after it too.
                    done(tx);
                }
                throw unknownOutcome(tx, durable);
            }
            return replication.shortfall(lastWritten.endOffset()).thenCompose(shortfall ->
                    materializer.whenDispatched(written).thenApply(visible -> {
                        if (stop == Stop.BEFORE_DONE) {
                            throw stopped(tx, "before its DONE record");
                        }
                        return shortfall;
                    }));
        });
    }

    private static RequestException unknownOutcome(Transaction tx, AppendResult durable) {
        return new RequestException(ErrorCode.INTERNAL, "the outcome of " + tx + " is unknown: its commit "
                + "decision was written but not confirmed durable (" + durable.status() + ": "
                + durable.error() + "); its messages are delivered unless the broker crashes first");
    }

    /**
     * The commit was carried out (messages stored, consumed messages acknowledged): the DONE record
     * spares the next start from doing it again. Not awaited: if a crash loses it, the next start
     * finds the messages already stored (by message id) and does not store them twice.
     */
    public void done(Transaction tx) {
        live.remove(tx);
        if (tx.halves().isEmpty()) {
            return;
        }
        store.appendReservedAsync(OpRecords.done(tx.id(), clock.millis())).whenComplete((result, failure) -> {
            if (failure != null || result.records().isEmpty()) {
                LOG.warn("DONE record of {} not written ({}); the next start checks its messages again", tx,
                        failure != null ? failure.toString() : result.status() + ": " + result.error());
            }
        });
    }

    /**
     * Start-up: carries out every transaction whose COMMIT record is stored without its DONE record,
     * skipping messages already in their destination, then writes the DONE record. Blocks until done.
     *
     * @return the number of transactions completed
     * @throws IOException if the op log cannot be read or a message cannot be stored (the broker must
     *     not serve without the committed messages; the next start tries again)
     */
    public int recover() throws IOException {
        List<OpRecords.Op> pending = new OpLog(store).pendingCommits();
        for (OpRecords.Op commit : pending) {
            Transaction tx = new Transaction(commit.txId());
            tx.recovered(commit.halves());
            live.add(tx);
            try {
                materializer.materialize(commit.halves(), commit.physicalOffset(), true).join();
            } catch (CompletionException e) {
                throw new IOException("cannot complete committed " + tx + " (commit record at offset "
                        + commit.physicalOffset() + "): " + e.getCause().getMessage(), e.getCause());
            }
            AppendResult doneRecord = store.appendReservedAsync(OpRecords.done(commit.txId(), clock.millis())).join();
            if (doneRecord.records().isEmpty()) {
                throw new IOException("cannot write the DONE record of " + tx + ": " + doneRecord.status() + " "
                        + doneRecord.error());
            }
            live.remove(tx);
            LOG.info("completed committed {} at start-up ({} messages)", tx, commit.halves().size());
        }
        return pending.size();
    }

    @Override
    public long minRequiredPhysicalOffset() {
        long floor = Long.MAX_VALUE;
        for (Transaction tx : live) {
            floor = Math.min(floor, tx.lowestHalf());
        }
        return floor;
    }

    /** Transactions retention currently keeps (open or committed but not done). */
    int liveCount() {
        return live.size();
    }

    void stopCommits(Stop where) {
        this.stop = where;
    }

    private static RequestException stopped(Transaction tx, String where) {
        return new RequestException(ErrorCode.INTERNAL, "test hook: " + tx + " stopped " + where
                + "; the broker completes it at its next start");
    }
}
