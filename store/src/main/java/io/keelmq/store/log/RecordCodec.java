package io.keelmq.store.log;

import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.RecordLimits;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.TxState;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk record format of the commit log (big-endian; documented in store/README.md).
 *
 * <pre>
 *  0 int   totalLength      whole record, this field included
 *  4 int   magic            0x4B45454C "KEEL"
 *  8 int   crc32c           over bytes [12, totalLength)
 * 12 long  physicalOffset
 * 20 long  queueOffset
 * 28 int   partition
 * 32 long  tagHash
 * 40 long  bornTimestamp
 * 48 long  storeTimestamp
 * 56 int   deliveryCount
 * 60 byte  txState
 * 61 byte  flags            reserved, 0
 * 62 short destination length, bytes (UTF-8)
 *    short messageId length, bytes
 *    short keys length, bytes
 *    int   properties length, bytes
 *    int   body length, bytes
 * </pre>
 *
 * The physical offset is inside the CRC, so a record copied to the wrong place is caught.
 */
public final class RecordCodec {

    public static final int MAGIC = 0x4B45454C;
    /** End-of-segment marker: a length (the rest of the segment) and this magic. */
    public static final int BLANK_MAGIC = 0x4B454E44;
    public static final int FIXED_HEADER = 62;
    public static final int CRC_START = 12;

    static final int POS_MAGIC = 4;
    static final int POS_CRC = 8;
    static final int POS_PHYSICAL = 12;
    static final int POS_QUEUE = 20;
    static final int POS_STORE_TIME = 48;

    private RecordCodec() {
    }

    /**
     * Encodes {@code record} with zero offsets and CRC; {@link #stamp} fills them in once
     * the commit log has placed the record.
     */
    public static ByteBuffer encode(MessageRecord record, int maxMessageSize) throws IllegalRecordException {
        byte[] destination = record.destination().getBytes(StandardCharsets.UTF_8);
        byte[] messageId = record.messageId().getBytes(StandardCharsets.UTF_8);
        byte[] keys = record.keys().getBytes(StandardCharsets.UTF_8);
        if (destination.length == 0) {
            throw new IllegalRecordException(AppendStatus.MESSAGE_ILLEGAL, "destination is empty");
        }
        checkLength("destination", destination.length, RecordLimits.MAX_DESTINATION_BYTES);
        checkLength("messageId", messageId.length, RecordLimits.MAX_MESSAGE_ID_BYTES);
        checkLength("keys", keys.length, RecordLimits.MAX_KEYS_BYTES);
        if (record.partition() < 0) {
            throw new IllegalRecordException(AppendStatus.MESSAGE_ILLEGAL,
                    "partition must not be negative, was " + record.partition());
        }
        long payload = (long) record.properties().length + record.body().length;
        if (payload > maxMessageSize) {
            throw new IllegalRecordException(AppendStatus.MESSAGE_SIZE_EXCEEDED,
                    "message of " + payload + " bytes (body + properties) exceeds maxMessageSize " + maxMessageSize);
        }
        int length = FIXED_HEADER + 2 + destination.length + 2 + messageId.length + 2 + keys.length
                + 4 + record.properties().length + 4 + record.body().length;
        ByteBuffer buffer = ByteBuffer.allocate(length);
        buffer.putInt(length)
                .putInt(MAGIC)
                .putInt(0)                       // crc, stamped later
                .putLong(0)                      // physical offset, stamped later
                .putLong(0)                      // queue offset, stamped later
                .putInt(record.partition())
                .putLong(record.tagHash())
                .putLong(record.bornTimestamp())
                .putLong(0)                      // store timestamp, stamped later
                .putInt(record.deliveryCount())
                .put(record.txState().code())
                .put((byte) 0);
        buffer.putShort((short) destination.length).put(destination);
        buffer.putShort((short) messageId.length).put(messageId);
        buffer.putShort((short) keys.length).put(keys);
        buffer.putInt(record.properties().length).put(record.properties());
        buffer.putInt(record.body().length).put(record.body());
        buffer.flip();
        return buffer;
    }

    private static void checkLength(String field, int bytes, int limit) throws IllegalRecordException {
        if (bytes > limit) {
            throw new IllegalRecordException(AppendStatus.MESSAGE_ILLEGAL,
                    field + " of " + bytes + " bytes exceeds the limit of " + limit);
        }
    }

    /** Fills in the positions and the CRC of an encoded record. */
    static void stamp(ByteBuffer record, long physicalOffset, long queueOffset, long storeTimestamp) {
        record.putLong(POS_PHYSICAL, physicalOffset);
        record.putLong(POS_QUEUE, queueOffset);
        record.putLong(POS_STORE_TIME, storeTimestamp);
        record.putInt(POS_CRC, crc(record, record.getInt(0)));
    }

    static int crc(ByteBuffer record, int length) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = record.duplicate();
        view.position(view.position() + CRC_START).limit(view.position() + length - CRC_START);
        crc.update(view);
        return (int) crc.getValue();
    }

    /**
     * Checks and decodes the record at the buffer's position, which must hold the whole
     * record ({@code totalLength} bytes).
     */
    public static StoredMessage decode(ByteBuffer buffer, long expectedOffset) throws CorruptRecordException {
        ByteBuffer in = buffer.slice();
        int length = in.getInt(0);
        verify(in, length, expectedOffset);
        in.position(POS_QUEUE);
        long queueOffset = in.getLong();
        int partition = in.getInt();
        long tagHash = in.getLong();
        long born = in.getLong();
        long stored = in.getLong();
        int deliveryCount = in.getInt();
        TxState tx;
        try {
            tx = TxState.fromCode(in.get());
        } catch (IllegalArgumentException e) {
            throw new CorruptRecordException(expectedOffset, e.getMessage());
        }
        in.get();
        try {
            String destination = readString(in, Short.toUnsignedInt(in.getShort()));
            String messageId = readString(in, Short.toUnsignedInt(in.getShort()));
            String keys = readString(in, Short.toUnsignedInt(in.getShort()));
            byte[] properties = readBytes(in, in.getInt());
            byte[] body = readBytes(in, in.getInt());
            if (in.position() != length) {
                throw new CorruptRecordException(expectedOffset,
                        "fields end at " + in.position() + " but the length says " + length);
            }
            return new StoredMessage(expectedOffset, length, destination, partition, queueOffset, tagHash,
                    born, stored, deliveryCount, tx, messageId, keys, properties, body);
        } catch (RuntimeException e) {
            // A field length that runs past the record: the CRC matched, so this is a
            // writer bug or a deliberate forgery, and either way the record is unusable.
            throw new CorruptRecordException(expectedOffset, "field lengths do not fit the record: " + e);
        }
    }

    /** Length, magic, CRC and position of a complete record in {@code in} (position 0). */
    static void verify(ByteBuffer in, int length, long expectedOffset) throws CorruptRecordException {
        if (length < FIXED_HEADER || length > in.limit()) {
            throw new CorruptRecordException(expectedOffset, "bad length " + length);
        }
        if (in.getInt(POS_MAGIC) != MAGIC) {
            throw new CorruptRecordException(expectedOffset, "bad magic 0x" + Integer.toHexString(in.getInt(POS_MAGIC)));
        }
        int stored = in.getInt(POS_CRC);
        int actual = crc(in, length);
        if (stored != actual) {
            throw new CorruptRecordException(expectedOffset, "CRC32C mismatch (stored 0x"
                    + Integer.toHexString(stored) + ", computed 0x" + Integer.toHexString(actual) + ")");
        }
        long physical = in.getLong(POS_PHYSICAL);
        if (physical != expectedOffset) {
            throw new CorruptRecordException(expectedOffset, "record claims offset " + physical);
        }
    }

    private static String readString(ByteBuffer in, int length) {
        if (length == 0) {
            return "";
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] readBytes(ByteBuffer in, int length) {
        if (length < 0 || length > in.remaining()) {
            throw new IllegalStateException("length " + length + " with " + in.remaining() + " bytes left");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
