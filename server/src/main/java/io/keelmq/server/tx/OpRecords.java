package io.keelmq.server.tx;

import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Op records in {@link TxDestinations#OP} (partition 0), message id = the transaction id:
 * <ul>
 * <li>COMMIT (txState COMMIT): the atomic decision. Body: {@code byte kind 1, int count, count × long}
 * commit-log offsets of the transaction's half records, in send order. Once it is durable the
 * transaction is committed, whatever happens next.</li>
 * <li>DONE (txState NONE): every half of the transaction was appended to its destination. Body:
 * {@code byte kind 2}. A COMMIT without a DONE is carried out again at start-up.</li>
 * </ul>
 */
public final class OpRecords {
    static final byte COMMIT = 1;
    static final byte DONE = 2;

    private OpRecords() {
    }

    /** A decoded op record. {@code halves} is empty for DONE. */
    public record Op(byte kind, String txId, long physicalOffset, List<Long> halves) {
        boolean isCommit() {
            return kind == COMMIT;
        }
    }

    static MessageRecord commit(String txId, List<Long> halves, long now) {
        ByteBuffer body = ByteBuffer.allocate(1 + 4 + 8 * halves.size()).put(COMMIT).putInt(halves.size());
        halves.forEach(body::putLong);
        return record(txId, TxState.COMMIT, body.array(), now);
    }

    static MessageRecord done(String txId, long now) {
        return record(txId, TxState.NONE, new byte[] {DONE}, now);
    }

    private static MessageRecord record(String txId, TxState state, byte[] body, long now) {
        return new MessageRecord(TxDestinations.OP, 0, 0, now, 0, state, txId, "", null, body);
    }

    static Op decode(StoredMessage record) {
        try {
            ByteBuffer in = ByteBuffer.wrap(record.body());
            byte kind = in.get();
            if (kind == DONE) {
                return new Op(kind, record.messageId(), record.physicalOffset(), List.of());
            }
            if (kind != COMMIT) {
                throw new IllegalArgumentException("op record at " + record.physicalOffset() + " has unknown kind "
                        + kind);
            }
            int count = in.getInt();
            if (count < 0 || count > in.remaining() / 8) {
                throw new IllegalArgumentException("op record at " + record.physicalOffset() + " lists " + count
                        + " halves in " + in.remaining() + " bytes");
            }
            List<Long> halves = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                halves.add(in.getLong());
            }
            return new Op(kind, record.messageId(), record.physicalOffset(), halves);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("op record at " + record.physicalOffset() + " is truncated", e);
        }
    }
}
