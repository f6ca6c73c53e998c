package io.keelmq.jms.provider;

import io.keelmq.protocol.frame.AckBody;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * The binary request and answer bodies of the consuming requests (protocol/README.md, "Consuming"): undelivered
 * lists, acknowledgement lists, deliveries and browse pages. Decoding trusts nothing and reports any violation as a
 * {@link ProtocolException}.
 */
final class WireBodies {

    private WireBodies() {
    }

    /** int count, then count × (long consumerId, int partition, long queueOffset). */
    static byte[] undelivered(List<Undelivered> list) {
        ByteBuf out = Unpooled.buffer(4 + 20 * list.size());
        out.writeInt(list.size());
        for (Undelivered u : list) {
            out.writeLong(u.consumerId());
            out.writeInt(u.partition());
            out.writeLong(u.queueOffset());
        }
        return ByteBufUtil.getBytes(out);
    }

    /** The body of a compact ACK ({@link AckBody}): not cumulative, exactly the listed messages. */
    static byte[] ack(long consumerId, List<Position> list) {
        if (list.size() == 1) {
            return AckBody.encode(consumerId, false, list.get(0).partition(), list.get(0).queueOffset());
        }
        int[] partitions = new int[list.size()];
        long[] queueOffsets = new long[list.size()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = list.get(i).partition();
            queueOffsets[i] = list.get(i).queueOffset();
        }
        return AckBody.encode(consumerId, false, partitions, queueOffsets);
    }

    /** The answer to PULL: int count, then count × delivery. */
    static List<Delivery> deliveries(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "PULL answer");
        List<Delivery> deliveries = readDeliveries(in);
        requireEnd(in);
        return deliveries;
    }

    /** The answer to BROWSE: the deliveries, then int nextPartition, long nextOffset. */
    static BrowsePage browsePage(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "BROWSE answer");
        List<Delivery> deliveries = readDeliveries(in);
        int nextPartition = in.readInt("next partition");
        long nextOffset = in.readLong("next offset");
        requireEnd(in);
        return new BrowsePage(deliveries, nextPartition, nextOffset);
    }

    private static List<Delivery> readDeliveries(WireReader in) {
        int count = in.readCount("delivery count");
        List<Delivery> deliveries = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            int partition = in.readInt("partition");
            long queueOffset = in.readLong("queue offset");
            int deliveryCount = in.readInt("delivery count");
            if (deliveryCount < 1) {
                throw in.malformed("a delivered message has a delivery count of at least 1, not " + deliveryCount);
            }
            int length = in.readInt("message length");
            if (length < 0) {
                throw in.malformed("negative message length " + length);
            }
            // Decoded from the answer's bytes where they lie: the message copies what it keeps (its body) anyway.
            ByteBuf bytes = in.readSlice(length, "message");
            WireMessage message = WireMessageCodec.decode(bytes);
            if (bytes.isReadable()) {
                throw in.malformed(bytes.readableBytes() + " bytes after the message of length " + length);
            }
            deliveries.add(new Delivery(partition, queueOffset, deliveryCount, length, message));
        }
        return deliveries;
    }

    private static void requireEnd(WireReader in) {
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " unexpected bytes after the last entry");
        }
    }
}
