package io.keelmq.server.tx;

import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
 * <li>PREPARE (txState PREPARED): a transactional producer's half message is stored and awaits its producer's
 * decision (the same state as a prepared XA branch). Body: {@code byte kind 3, long half offset, long prepared
 * at (epoch ms), long check immunity (ms, -1 = transactionTimeOut), byte unresolved (0/1), short+UTF-8 producer
 * group, short+UTF-8 real destination (store name)}. A later PREPARE of the same id replaces it (the half was
 * moved to {@link TxDestinations#UNRESOLVED}).</li>
 * <li>ROLLBACK (txState ROLLBACK): a producer transaction was rolled back. Body: {@code byte kind 4}.</li>
 * <li>CHECKED (txState NONE): the broker checked an undecided producer half back once more. Body:
 * {@code byte kind 5}. Counted at start-up, so {@code transactionCheckMax} holds across restarts.</li>
 * <li>XA_PREPARE (txState PREPARED): an XA branch is prepared; message id = {@link XaXid#txId()}. Body:
 * {@code byte kind 6, int count, count × long} half offsets, {@code long} prepared at (epoch ms), then
 * {@code int held, held ×} ({@code short+UTF-8} subscription key, {@code short+UTF-8} destination store name,
 * {@code int} partition, {@code long} queue offset, {@code int} delivery count): the messages of persisted
 * subscriptions the branch consumed, locked for it until it is decided, also across a restart (a record written
 * before the held list existed ends after prepared at: nothing held). Decided later by the same COMMIT (then DONE)
 * or ROLLBACK records as other transactions; an XA branch's COMMIT is written even without halves (a branch that
 * only consumed), so that it is not prepared again at the next start.</li>
 * <li>Heuristic decisions: a COMMIT or ROLLBACK record of an XA branch decided by an operator ({@code keel-admin
 * transaction commit|rollback --xid}) ends with one more byte, 1: the branch is heuristically completed and
 * remembered as such (across restarts) until the transaction manager's XA_FORGET.</li>
 * <li>FORGET (txState NONE): the transaction manager forgot a heuristically completed XA branch. Body:
 * {@code byte kind 7}.</li>
 * </ul>
 */
public final class OpRecords {
    static final byte COMMIT = 1;
    static final byte DONE = 2;
    static final byte PREPARE = 3;
    static final byte ROLLBACK = 4;
    static final byte CHECKED = 5;
    static final byte XA_PREPARE = 6;
    static final byte FORGET = 7;

    private OpRecords() {
    }

    /**
     * A decoded op record. {@code halves} is empty for DONE and ROLLBACK; {@code prepared} is set for PREPARE only;
     * {@code preparedAt} and {@code held} for XA_PREPARE only; {@code heuristic} for an operator's COMMIT or ROLLBACK
     * of an XA branch.
     */
    public record Op(byte kind, String txId, long physicalOffset, List<Long> halves, PreparedHalf prepared,
                     long preparedAt, List<HeldMessage> held, boolean heuristic) {
        Op(byte kind, String txId, long physicalOffset, List<Long> halves, PreparedHalf prepared) {
            this(kind, txId, physicalOffset, halves, prepared, 0, List.of(), false);
        }

        Op(byte kind, String txId, long physicalOffset, List<Long> halves) {
            this(kind, txId, physicalOffset, halves, null);
        }

        boolean isCommit() {
            return kind == COMMIT;
        }
    }

    static MessageRecord prepare(PreparedHalf half) {
        byte[] group = half.group().getBytes(StandardCharsets.UTF_8);
        byte[] destination = half.destination().getBytes(StandardCharsets.UTF_8);
        ByteBuffer body = ByteBuffer.allocate(1 + 8 + 8 + 8 + 1 + 2 + group.length + 2 + destination.length)
                .put(PREPARE).putLong(half.halfOffset()).putLong(half.preparedAt()).putLong(half.immunityMillis())
                .put((byte) (half.unresolved() ? 1 : 0)).putShort((short) group.length).put(group)
                .putShort((short) destination.length).put(destination);
        return record(half.txId(), TxState.PREPARED, body.array(), half.preparedAt());
    }

    static MessageRecord rollback(String txId, long now) {
        return rollback(txId, now, false);
    }

    /** {@code heuristic}: an operator's decision on an XA branch, remembered until XA_FORGET. */
    static MessageRecord rollback(String txId, long now, boolean heuristic) {
        return record(txId, TxState.ROLLBACK, heuristic ? new byte[] {ROLLBACK, 1} : new byte[] {ROLLBACK}, now);
    }

    static MessageRecord forget(String txId, long now) {
        return record(txId, TxState.NONE, new byte[] {FORGET}, now);
    }

    static MessageRecord checked(String txId, long now) {
        return record(txId, TxState.NONE, new byte[] {CHECKED}, now);
    }

    static MessageRecord commit(String txId, List<Long> halves, long now) {
        return commit(txId, halves, now, false);
    }

    /** {@code heuristic}: an operator's decision on an XA branch, remembered until XA_FORGET. */
    static MessageRecord commit(String txId, List<Long> halves, long now, boolean heuristic) {
        ByteBuffer body = ByteBuffer.allocate(1 + 4 + 8 * halves.size() + (heuristic ? 1 : 0)).put(COMMIT)
                .putInt(halves.size());
        halves.forEach(body::putLong);
        if (heuristic) {
            body.put((byte) 1);
        }
        return record(txId, TxState.COMMIT, body.array(), now);
    }

    static MessageRecord xaPrepare(String txId, List<Long> halves, long now, List<HeldMessage> held) {
        List<byte[]> strings = new ArrayList<>();
        int size = 1 + 4 + 8 * halves.size() + 8 + 4;
        for (HeldMessage message : held) {
            byte[] subscription = message.subscription().getBytes(StandardCharsets.UTF_8);
            byte[] destination = message.destination().getBytes(StandardCharsets.UTF_8);
            strings.add(subscription);
            strings.add(destination);
            size += 2 + subscription.length + 2 + destination.length + 4 + 8 + 4;
        }
        ByteBuffer body = ByteBuffer.allocate(size).put(XA_PREPARE).putInt(halves.size());
        halves.forEach(body::putLong);
        body.putLong(now).putInt(held.size());
        for (int i = 0; i < held.size(); i++) {
            HeldMessage message = held.get(i);
            byte[] subscription = strings.get(2 * i);
            byte[] destination = strings.get(2 * i + 1);
            body.putShort((short) subscription.length).put(subscription).putShort((short) destination.length)
                    .put(destination).putInt(message.partition()).putLong(message.queueOffset())
                    .putInt(message.deliveryCount());
        }
        return record(txId, TxState.PREPARED, body.array(), now);
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
            if (kind == ROLLBACK) {
                boolean heuristic = in.hasRemaining() && in.get() == 1;
                return new Op(kind, record.messageId(), record.physicalOffset(), List.of(), null, 0, List.of(),
                        heuristic);
            }
            if (kind == CHECKED || kind == FORGET) {
                return new Op(kind, record.messageId(), record.physicalOffset(), List.of());
            }
            if (kind == PREPARE) {
                long half = in.getLong();
                PreparedHalf prepared = new PreparedHalf(record.messageId(), half, in.getLong(), in.getLong(),
                        in.get() == 1, string(in), string(in));
                return new Op(kind, record.messageId(), record.physicalOffset(), List.of(half), prepared);
            }
            if (kind != COMMIT && kind != XA_PREPARE) {
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
            if (kind == COMMIT) {
                boolean heuristic = in.hasRemaining() && in.get() == 1;
                return new Op(kind, record.messageId(), record.physicalOffset(), halves, null, 0, List.of(),
                        heuristic);
            }
            long preparedAt = in.getLong();
            List<HeldMessage> held = new ArrayList<>();
            int heldCount = in.hasRemaining() ? in.getInt() : 0;
            for (int i = 0; i < heldCount; i++) {
                held.add(new HeldMessage(string(in), string(in), in.getInt(), in.getLong(), in.getInt()));
            }
            return new Op(kind, record.messageId(), record.physicalOffset(), halves, null, preparedAt, held, false);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("op record at " + record.physicalOffset() + " is truncated", e);
        }
    }

    private static String string(ByteBuffer in) {
        byte[] bytes = new byte[in.getShort() & 0xFFFF];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
