package io.keelmq.server.tx;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.AppendResult;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.retention.RetentionFloor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RocketMQ-style transactional producers (ARCHITECTURE.md, "Transactions": a one-message branch that the producer
 * decides). {@link #prepare} makes a stored half durable together with its PREPARE op record and remembers it as
 * undecided; {@link #decide} commits it through {@link TransactionService} (the same COMMIT record, materializing
 * and start-up recovery as a transacted session) or writes a ROLLBACK record. Undecided halves are checked back by
 * {@link CheckBacks}. A decision is idempotent: the same decision again is answered with the outcome, the opposite
 * one is refused.
 *
 * <p>As a {@link RetentionFloor} it keeps every undecided half, however old: retention never deletes one.
 */
public final class ProducerTransactions implements RetentionFloor {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerTransactions.class);
    /** Outcomes remembered for repeated decisions (a producer retrying after a lost answer, a late check answer). */
    private static final int REMEMBERED_OUTCOMES = 100_000;

    /** An undecided half and, once someone decides it, that decision under way. */
    static final class Undecided {
        volatile PreparedHalf half;
        volatile int checks;
        CompletableFuture<TxOutcome> deciding;
        TxOutcome decision;

        Undecided(PreparedHalf half) {
            this.half = half;
        }
    }

    private final MessageStore store;
    private final TransactionService transactions;
    private final Clock clock;
    private final Map<String, Undecided> undecided = new ConcurrentHashMap<>();
    private final Map<String, TxOutcome> outcomes = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, TxOutcome> eldest) {
                    return size() > REMEMBERED_OUTCOMES;
                }
            });
    /** Ids are unique across restarts: a run prefix plus a counter (the op records carry them as message id). */
    private final String idPrefix = "ptx-" + UUID.randomUUID() + "-";
    private final AtomicLong nextId = new AtomicLong();

    public ProducerTransactions(MessageStore store, TransactionService transactions, Clock clock) {
        this.store = store;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * The half of a transactional producer's send was written: appends its PREPARE record and completes with the
     * transaction id and the PREPARE record's end once both are durable (one force covers the two; SYNC_FLUSH's
     * promise that the half survives a crash before the producer's local transaction starts). Fails with a
     * RequestException when they are not.
     */
    public CompletableFuture<PreparedHalfAnswer> prepare(AppendResult half, long immunityMillis, String group, String destination) {
        String txId = idPrefix + nextId.incrementAndGet();
        PreparedHalf prepared = new PreparedHalf(txId, half.physicalOffset(), clock.millis(), immunityMillis, false,
                group, destination);
        Undecided entry = new Undecided(prepared);
        // Kept from now: retention must not delete the half while its PREPARE is on its way.
        undecided.put(txId, entry);
        return store.appendAsync(OpRecords.prepare(prepared)).thenApply(result -> {
            if (!result.ok()) {
                // Should it become durable all the same, the next start checks it back like any undecided half.
                undecided.remove(txId);
                throw new RequestException(ErrorCode.INTERNAL, "the half message could not be made durable ("
                        + result.status() + ": " + result.error() + "); send it again");
            }
            return new PreparedHalfAnswer(txId, result.endOffset());
        });
    }

    /**
     * Decides a producer transaction. Completes with the outcome once it is durable (for a commit: the message is
     * in its destination and visible), or exceptionally with a RequestException: NOT_FOUND for an id the broker
     * does not know (never prepared, or decided so long ago it is forgotten), ILLEGAL_STATE when it was already
     * decided the other way.
     */
    public CompletableFuture<TxOutcome> decide(String txId, TxOutcome decision, String by) {
        Undecided entry = undecided.get(txId);
        if (entry == null) {
            TxOutcome known = outcomes.get(txId);
            if (known == null) {
                return CompletableFuture.failedFuture(RequestException.notFound("no transaction " + txId
                        + " on this broker (never prepared, or decided long ago)"));
            }
            return CompletableFuture.completedFuture(sameOrRefuse(txId, known, decision));
        }
        CompletableFuture<TxOutcome> result;
        synchronized (entry) {
            if (entry.deciding != null) {
                TxOutcome first = entry.decision;
                return entry.deciding.thenApply(outcome -> sameOrRefuse(txId, first, decision));
            }
            entry.decision = decision;
            entry.deciding = result = new CompletableFuture<>();
        }
        CompletableFuture<TxOutcome> written = decision == TxOutcome.COMMITTED ? commit(entry) : rollback(entry);
        written.whenComplete((outcome, failure) -> {
            synchronized (entry) {
                if (failure != null && !commitMayStand(decision, failure)) {
                    // Not decided: the next decision or check-back tries again.
                    entry.deciding = null;
                    entry.decision = null;
                } else {
                    outcomes.put(txId, decision);
                    undecided.remove(txId);
                    LOG.debug("{} {} by {}", txId, decision, by);
                }
            }
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(outcome);
            }
        });
        return result;
    }

    /**
     * A commit that failed with INTERNAL wrote its COMMIT record, which may be durable: it must not be committed a
     * second time (a second COMMIT record would store the message again at the next start). It counts as committed
     * here; if a crash loses the record after all, the PREPARE is undecided at the next start and checked back.
     */
    private static boolean commitMayStand(TxOutcome decision, Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return decision == TxOutcome.COMMITTED && cause instanceof RequestException request
                && request.errorCode() == ErrorCode.INTERNAL;
    }

    private static TxOutcome sameOrRefuse(String txId, TxOutcome known, TxOutcome decision) {
        if (known != decision) {
            throw RequestException.illegalState("transaction " + txId + " is already " + known + "; it cannot be "
                    + decision + " now");
        }
        return known;
    }

    private CompletableFuture<TxOutcome> commit(Undecided entry) {
        PreparedHalf half = entry.half;
        Transaction tx = transactions.ofStored(half.txId(), List.of(half.halfOffset()));
        return transactions.commit(tx).thenApply(shortfall -> {
            transactions.done(tx);
            if (shortfall != null) {
                // INTERNAL: the commit stands (commitMayStand); the answer says it is not on a slave yet.
                throw new RequestException(ErrorCode.INTERNAL, ReplicationWait.unconfirmed("the commit of "
                        + half.txId(), shortfall));
            }
            return TxOutcome.COMMITTED;
        });
    }

    private CompletableFuture<TxOutcome> rollback(Undecided entry) {
        return store.appendAsync(OpRecords.rollback(entry.half.txId(), clock.millis())).thenApply(result -> {
            if (!result.ok()) {
                throw new RequestException(ErrorCode.INTERNAL, "the rollback of " + entry.half.txId()
                        + " could not be made durable (" + result.status() + ": " + result.error() + ")");
            }
            return TxOutcome.ROLLED_BACK;
        });
    }

    /**
     * Moves an undecided half that used up its check-backs to {@link TxDestinations#UNRESOLVED}: a copy at the
     * log's tail and a PREPARE naming it, durable, so the segments before it may go while it waits for an operator.
     */
    void moveToUnresolved(Undecided entry) throws IOException {
        PreparedHalf half = entry.half;
        StoredMessage stored = store.read(half.halfOffset());
        if (stored == null) {
            throw new IOException("half record of " + half.txId() + " at offset " + half.halfOffset() + " is missing");
        }
        MessageRecord copy = HalfRecords.copy(stored, TxDestinations.UNRESOLVED);
        AppendResult written = store.appendBatchWrittenAsync(List.of(copy)).join();
        if (written.records().isEmpty()) {
            throw new IOException("cannot copy " + half.txId() + " to " + TxDestinations.UNRESOLVED + ": "
                    + written.status() + " " + written.error());
        }
        PreparedHalf moved = half.movedTo(written.physicalOffset());
        AppendResult prepare = store.appendAsync(OpRecords.prepare(moved)).join();
        if (!prepare.ok()) {
            throw new IOException("cannot record the move of " + half.txId() + ": " + prepare.status() + " "
                    + prepare.error());
        }
        entry.half = moved;
        LOG.warn("transaction {} of producer group {} (to {}) is still undecided after {} check-backs; kept in {} "
                + "until 'keel-admin transaction commit|rollback --id {}'", half.txId(), half.group(),
                half.destination(), entry.checks, TxDestinations.UNRESOLVED, half.txId());
    }

    /**
     * A check-back of {@code entry} was sent: counted, and recorded (written, not forced: a count lost in a crash
     * only allows one more check) so that the count survives a restart.
     */
    void checked(Undecided entry) {
        entry.checks++;
        store.appendBatchWrittenAsync(List.of(OpRecords.checked(entry.half.txId(), clock.millis())));
    }

    /**
     * Start-up: every PREPARE without a decision is undecided again, with the check-backs it had; recent decisions
     * are remembered.
     */
    public int recover() throws IOException {
        new OpLog(store).forEach(op -> {
            switch (op.kind()) {
                case OpRecords.PREPARE -> {
                    if (outcomes.containsKey(op.txId())) {
                        break;   // decided already: nothing after its decision can make it undecided again
                    }
                    // A second PREPARE (the move to system/tx-unresolved) keeps the checks counted so far.
                    Undecided before = undecided.get(op.txId());
                    Undecided entry = new Undecided(op.prepared());
                    entry.checks = before == null ? 0 : before.checks;
                    undecided.put(op.txId(), entry);
                }
                case OpRecords.CHECKED -> {
                    Undecided entry = undecided.get(op.txId());
                    if (entry != null) {
                        entry.checks++;
                    }
                }
                case OpRecords.COMMIT, OpRecords.ROLLBACK -> {
                    if (undecided.remove(op.txId()) != null) {
                        outcomes.put(op.txId(), op.kind() == OpRecords.COMMIT ? TxOutcome.COMMITTED
                                : TxOutcome.ROLLED_BACK);
                    }
                }
                default -> {
                }
            }
        });
        if (!undecided.isEmpty()) {
            LOG.info("{} transactional-producer half messages await their decision", undecided.size());
        }
        return undecided.size();
    }

    /** The undecided halves (a snapshot), oldest first. */
    List<Undecided> undecided() {
        List<Undecided> all = new ArrayList<>(undecided.values());
        all.sort((a, b) -> Long.compare(a.half.preparedAt(), b.half.preparedAt()));
        return all;
    }

    /** What {@code keel-admin transaction list} shows, oldest first. */
    public List<PendingTransaction> list() throws IOException {
        List<PendingTransaction> pending = new ArrayList<>();
        for (Undecided entry : undecided()) {
            PreparedHalf half = entry.half;
            StoredMessage stored = store.read(half.halfOffset());
            pending.add(new PendingTransaction(half, stored == null ? "" : stored.messageId(), entry.checks));
        }
        return pending;
    }

    /** The undecided half of {@code txId}, or null. */
    public PreparedHalf find(String txId) {
        Undecided entry = undecided.get(txId);
        return entry == null ? null : entry.half;
    }

    @Override
    public long minRequiredPhysicalOffset() {
        long floor = Long.MAX_VALUE;
        for (Undecided entry : undecided.values()) {
            floor = Math.min(floor, entry.half.halfOffset());
        }
        return floor;
    }
}
