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
 * ({@link HalfRecords}); COMMIT appends one COMMIT op record listing them and waits until it is
 * durable (that is the decision), then appends the real messages to their destinations
 * ({@link Materializer}); the caller applies the consumed acknowledgements and calls {@link #done},
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
    /** Transactions whose halves retention must keep: open ones, and committed ones not yet done. */
    private final Set<Transaction> live = ConcurrentHashMap.newKeySet();
    /** Transaction ids are unique across restarts: a run prefix plus a counter. */
    private final String idPrefix = "tx-" + UUID.randomUUID() + "-";
    private final AtomicLong nextId = new AtomicLong();
    /** Where a COMMIT stops, as if the broker died there (tests only). */
    enum Stop { NOWHERE, AFTER_DECISION, BEFORE_DONE }

    private volatile Stop stop = Stop.NOWHERE;

    public TransactionService(MessageStore store, Materializer materializer, Clock clock) {
        this.store = store;
        this.materializer = materializer;
        this.clock = clock;
    }

    /** A new, empty transaction for a transacted session. */
    public Transaction begin() {
        Transaction tx = new Transaction(idPrefix + nextId.incrementAndGet());
        live.add(tx);
        return tx;
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
     * messages, then calls {@link #done}.
     */
    public CompletableFuture<Void> commit(Transaction tx) {
        return tx.sendsSettled().thenCompose(settled -> {
            List<Long> halves = tx.halves();
            if (halves.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            return store.appendAsync(OpRecords.commit(tx.id(), halves, clock.millis()))
                    .thenCompose(decision -> afterDecision(tx, halves, decision));
        });
    }

    private CompletableFuture<Void> afterDecision(Transaction tx, List<Long> halves, AppendResult decision) {
        if (decision.records().isEmpty()) {
            live.remove(tx);
            throw new RequestException(ErrorCode.TRANSACTION_ROLLED_BACK, "the commit decision of " + tx
                    + " could not be stored (" + decision.status() + ": " + decision.error()
                    + "); it is rolled back and none of its messages will be delivered");
        }
        if (stop == Stop.AFTER_DECISION) {
            throw stopped(tx, "after its commit decision");
        }
        long decisionOffset = decision.physicalOffset();
        return materializer.materialize(halves, decisionOffset, false).handle((visible, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                LOG.error("{} is committed but its messages could not all be stored; the next start stores them",
                        tx, cause);
                throw new RequestException(ErrorCode.INTERNAL, tx + " is committed but not all of its messages "
                        + "could be stored yet (" + cause.getMessage() + "); the broker stores them at its next start");
            }
            if (stop == Stop.BEFORE_DONE) {
                throw stopped(tx, "before its DONE record");
            }
            if (decision.status() != AppendStatus.PUT_OK) {
                // Carried out all the same: if a crash loses the decision it loses everything after it too.
                done(tx);
                throw new RequestException(ErrorCode.INTERNAL, "the outcome of " + tx + " is unknown: its commit "
                        + "decision was written but not confirmed durable (" + decision.status() + ": "
                        + decision.error() + "); its messages are delivered unless the broker crashes first");
            }
            return null;
        });
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
        store.appendAsync(OpRecords.done(tx.id(), clock.millis())).whenComplete((result, failure) -> {
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
            AppendResult doneRecord = store.append(OpRecords.done(commit.txId(), clock.millis()));
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
