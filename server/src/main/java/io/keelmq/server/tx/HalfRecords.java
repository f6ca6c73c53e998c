package io.keelmq.server.tx;

import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The half record of a message sent in a transacted session: stored in {@link TxDestinations#HALF}
 * (partition 0, txState PREPARED) with the real message inside, so that committing it, even at
 * a restart after a crash, needs nothing but the record.
 *
 * <p>Half record fields: message id, born timestamp, tag hash and body are the real message's;
 * keys are empty (the index must not find a half by the application's keys); properties are
 * {@code byte version (1), short+UTF-8 real destination (store name), int real partition,
 * int+UTF-8 real keys, then the real record's properties bytes to the end}.
 */
public final class HalfRecords {
    private static final byte VERSION = 1;

    private HalfRecords() {
    }

    /** The half that stands for {@code real} until its transaction commits. */
    public static MessageRecord toHalf(MessageRecord real) {
        byte[] destination = real.destination().getBytes(StandardCharsets.UTF_8);
        byte[] keys = real.keys().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 2 + destination.length + 4 + 4 + keys.length
                + real.properties().length);
        out.put(VERSION).putShort((short) destination.length).put(destination).putInt(real.partition())
                .putInt(keys.length).put(keys).put(real.properties());
        return new MessageRecord(TxDestinations.HALF, 0, real.tagHash(), real.bornTimestamp(), 0, TxState.PREPARED,
                real.messageId(), "", out.array(), real.body());
    }

    /** The same half, copied to {@code destination} (an unresolved producer half moves to {@link TxDestinations#UNRESOLVED}). */
    static MessageRecord copy(StoredMessage half, String destination) {
        return new MessageRecord(destination, 0, half.tagHash(), half.bornTimestamp(), 0, TxState.PREPARED,
                half.messageId(), "", half.properties(), half.body());
    }

    /** The real message a half holds, ready to append to its destination. */
    public static MessageRecord toReal(StoredMessage half) {
        boolean halfDestination = TxDestinations.HALF.equals(half.destination())
                || TxDestinations.UNRESOLVED.equals(half.destination());
        if (!halfDestination || half.txState() != TxState.PREPARED) {
            throw new IllegalArgumentException("the record at commit-log offset " + half.physicalOffset()
                    + " is not a half record (destination " + half.destination() + ", txState " + half.txState() + ")");
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(half.properties());
            byte version = in.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("half record at " + half.physicalOffset()
                        + " has unknown format version " + version);
            }
            String destination = string(in, in.getShort() & 0xFFFF);
            int partition = in.getInt();
            String keys = string(in, in.getInt());
            byte[] properties = new byte[in.remaining()];
            in.get(properties);
            return new MessageRecord(destination, partition, half.tagHash(), half.bornTimestamp(), 0, TxState.NONE,
                    half.messageId(), keys, properties, half.body());
        } catch (BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("half record at " + half.physicalOffset() + " is truncated", e);
        }
    }

    private static String string(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
