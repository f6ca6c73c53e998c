package io.keelmq.protocol.frame;

import io.netty.buffer.Unpooled;

/**
 * The compact form of an ACK request (protocol/README.md, "Consuming"): no headers, the body says everything —
 * long consumerId, boolean cumulative, int count, then count × (int partition, long queueOffset). Under
 * AUTO_ACKNOWLEDGE a client sends one ACK per message and waits for its answer, so the request is built and read
 * without a header map or a number written as text. The older form (headers {@code consumerId} and
 * {@code cumulative}, body from the count on) is still understood by the broker.
 *
 * @param partitions   the acknowledged messages' partitions, index for index with {@code queueOffsets}
 * @param queueOffsets the acknowledged messages' queue offsets
 */
public record AckBody(long consumerId, boolean cumulative, int[] partitions, long[] queueOffsets) {

    /** The body of a compact ACK of one message. */
    public static byte[] encode(long consumerId, boolean cumulative, int partition, long queueOffset) {
        return encode(consumerId, cumulative, new int[] {partition}, new long[] {queueOffset});
    }

    /** The body of a compact ACK. */
    public static byte[] encode(long consumerId, boolean cumulative, int[] partitions, long[] queueOffsets) {
        if (partitions.length != queueOffsets.length) {
            throw new IllegalArgumentException(partitions.length + " partitions for " + queueOffsets.length
                    + " queue offsets");
        }
        byte[] bytes = new byte[8 + 1 + 4 + 12 * partitions.length];
        io.netty.buffer.ByteBuf out = Unpooled.wrappedBuffer(bytes).writerIndex(0);
        out.writeLong(consumerId);
        out.writeByte(cumulative ? 1 : 0);
        out.writeInt(partitions.length);
        for (int i = 0; i < partitions.length; i++) {
            out.writeInt(partitions[i]);
            out.writeLong(queueOffsets[i]);
        }
        return bytes;
    }

    /**
     * Reads a compact ACK's body.
     *
     * @throws ProtocolException (MALFORMED_FRAME) naming what is wrong if {@code body} is not one
     */
    public static AckBody decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "ACK");
        long consumerId = in.readLong("consumer id");
        boolean cumulative = in.readBoolean("cumulative");
        int count = in.readCount("acknowledgement count");
        if (count > in.remaining() / 12) {
            throw in.malformed("acknowledgement count " + count + " with " + in.remaining() + " bytes left");
        }
        int[] partitions = new int[count];
        long[] queueOffsets = new long[count];
        for (int i = 0; i < count; i++) {
            partitions[i] = in.readInt("partition");
            queueOffsets[i] = in.readLong("queue offset");
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last entry");
        }
        return new AckBody(consumerId, cumulative, partitions, queueOffsets);
    }
}
