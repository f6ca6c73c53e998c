package io.keelmq.server.tx;

import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the op records still stored in {@link TxDestinations#OP} to find the transactions that were
 * decided but not carried out, and the producer transactions still undecided. The whole retained op
 * queue is read (op records are small, a few dozen bytes each); retention deletes it with the rest of
 * the log, and since segments go oldest first a COMMIT is never deleted while its DONE, written after
 * it, is kept, nor a PREPARE while its half (written before it) is kept.
 */
final class OpLog {
    private static final Logger LOG = LoggerFactory.getLogger(OpLog.class);
    private static final int BATCH = 1024;

    private final MessageStore store;

    OpLog(MessageStore store) {
        this.store = store;
    }

    /** COMMIT records without a DONE record, oldest first. */
    List<OpRecords.Op> pendingCommits() throws IOException {
        Map<String, OpRecords.Op> pending = new LinkedHashMap<>();
        forEach(op -> {
            if (op.isCommit()) {
                pending.put(op.txId(), op);
            } else if (op.kind() == OpRecords.DONE) {
                pending.remove(op.txId());
            }
        });
        return new ArrayList<>(pending.values());
    }

    /**
     * What start-up needs of the XA branches: {@code prepared} (XA_PREPARE without a decision, oldest first),
     * {@code heuristic} (an operator's decision not yet forgotten, with the branch's XA_PREPARE) and
     * {@code committedNotDone} (a COMMIT without DONE: the consumed messages it held may not be acknowledged
     * durably yet).
     */
    record XaState(List<OpRecords.Op> prepared, List<Heuristic> heuristic, List<OpRecords.Op> committedNotDone) {
    }

    /** A heuristically decided branch: its XA_PREPARE record and the decision. */
    record Heuristic(OpRecords.Op prepare, boolean committed) {
    }

    XaState xaBranches() throws IOException {
        Map<String, OpRecords.Op> prepares = new LinkedHashMap<>();
        Map<String, OpRecords.Op> prepared = new LinkedHashMap<>();
        Map<String, Heuristic> heuristic = new LinkedHashMap<>();
        Map<String, OpRecords.Op> committed = new LinkedHashMap<>();
        forEach(op -> {
            if (XaXid.ofTxId(op.txId()) == null) {
                return;
            }
            OpRecords.Op prepare = prepares.get(op.txId());
            switch (op.kind()) {
                case OpRecords.XA_PREPARE -> {
                    prepares.put(op.txId(), op);
                    prepared.put(op.txId(), op);
                }
                case OpRecords.COMMIT, OpRecords.ROLLBACK -> {
                    prepared.remove(op.txId());
                    if (op.heuristic() && prepare != null) {
                        heuristic.put(op.txId(), new Heuristic(prepare, op.isCommit()));
                    }
                    if (op.isCommit() && prepare != null) {
                        committed.put(op.txId(), prepare);
                    }
                }
                case OpRecords.DONE -> committed.remove(op.txId());
                case OpRecords.FORGET -> heuristic.remove(op.txId());
                default -> { }
            }
        });
        return new XaState(new ArrayList<>(prepared.values()), new ArrayList<>(heuristic.values()),
                new ArrayList<>(committed.values()));
    }

    /** Every readable op record in log order; unreadable ones are logged and skipped. */
    void forEach(Consumer<OpRecords.Op> visitor) throws IOException {
        long offset = store.minQueueOffset(TxDestinations.OP, 0);
        long end = store.maxQueueOffset(TxDestinations.OP, 0);
        while (offset < end) {
            List<StoredMessage> records = store.readQueue(TxDestinations.OP, 0, offset, BATCH);
            if (records.isEmpty()) {
                break;
            }
            for (StoredMessage record : records) {
                offset = record.queueOffset() + 1;
                OpRecords.Op op;
                try {
                    op = OpRecords.decode(record);
                } catch (IllegalArgumentException e) {
                    LOG.error("skipping unreadable transaction op record: {}", e.getMessage());
                    continue;
                }
                visitor.accept(op);
            }
        }
    }
}
