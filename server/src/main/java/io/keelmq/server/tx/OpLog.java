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

    /** XA_PREPARE records not followed by a COMMIT or ROLLBACK of the same branch, oldest first. */
    List<OpRecords.Op> preparedBranches() throws IOException {
        Map<String, OpRecords.Op> prepared = new LinkedHashMap<>();
        forEach(op -> {
            if (op.kind() == OpRecords.XA_PREPARE) {
                prepared.put(op.txId(), op);
            } else if (op.isCommit() || op.kind() == OpRecords.ROLLBACK) {
                prepared.remove(op.txId());
            }
        });
        return new ArrayList<>(prepared.values());
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
