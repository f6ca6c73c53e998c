package io.keelmq.server.message;

import io.keelmq.protocol.frame.FrameBody;
import io.keelmq.protocol.frame.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/** The request and answer bodies of the consuming requests (protocol/README.md, "Consuming"). */
public final class DeliveryCodec {

    /** A message the client names by consumer, partition and queue offset. */
    public record MessageRef(long consumerId, int partition, long queueOffset) {
    }

    /** A (partition, queue offset) pair of an ACK body. */
    public record Position(int partition, long queueOffset) {
    }

    private DeliveryCodec() {
    }

    /**
     * A PULL answer's body, int count, then count × (int partition, long queueOffset, int deliveryCount, int length,
     * message), written into the outbound buffer when the answer is encoded: the messages go from their own arrays
     * (read from the commit log, never modified afterwards: {@link io.keelmq.protocol.message.DeliveryBytes} patches
     * the buffer, not them) straight into the buffer Netty writes, without an answer array between.
     */
    public static FrameBody deliveries(List<Delivery> deliveries) {
        return new DeliveriesBody(List.copyOf(deliveries), null);
    }

    /** {@link #deliveries} in an array of its own. */
    public static byte[] encodeDeliveries(List<Delivery> deliveries) {
        return new DeliveriesBody(deliveries, null).toArray();
    }

    /** A BROWSE answer: the deliveries, then int nextPartition and long nextOffset. */
    public static byte[] encodeBrowse(List<Delivery> deliveries, int nextPartition, long nextOffset) {
        return new DeliveriesBody(deliveries, new long[] {nextPartition, nextOffset}).toArray();
    }

    /** @param continuation null, or a BROWSE answer's next partition and offset */
    private record DeliveriesBody(List<Delivery> deliveries, long[] continuation) implements FrameBody {
        @Override
        public int length() {
            int size = 4 + (continuation == null ? 0 : 12);
            for (Delivery delivery : deliveries) {
                size += delivery.wireSize();
            }
            return size;
        }

        @Override
        public void writeTo(ByteBuf out) {
            int start = out.writerIndex();
            out.writeInt(deliveries.size());
            for (Delivery delivery : deliveries) {
                out.writeInt(delivery.partition());
                out.writeLong(delivery.queueOffset());
                out.writeInt(delivery.deliveryCount());
                out.writeInt(delivery.message().length());
                delivery.message().writeTo(out);
            }
            if (continuation != null) {
                out.writeInt((int) continuation[0]);
                out.writeLong(continuation[1]);
            }
            int expected = length();
            if (out.writerIndex() - start != expected) {
                throw new IllegalStateException("deliveries took " + (out.writerIndex() - start) + " bytes, not "
                        + expected);
            }
        }

        /** Exactly the size: the array is the buffer's own, not a copy of it. */
        byte[] toArray() {
            byte[] bytes = new byte[length()];
            writeTo(Unpooled.wrappedBuffer(bytes).writerIndex(0));
            return bytes;
        }
    }

    /** An undelivered list: int count, then count × (long consumerId, int partition, long queueOffset). Empty body = none. */
    public static List<MessageRef> decodeUndelivered(byte[] body) {
        List<MessageRef> refs = new ArrayList<>();
        if (body.length == 0) {
            return refs;
        }
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "undelivered list");
        int count = in.readCount("undelivered count");
        for (int i = 0; i < count; i++) {
            refs.add(new MessageRef(in.readLong("consumer id"), in.readInt("partition"), in.readLong("queue offset")));
        }
        requireEnd(in);
        return refs;
    }

    /** An ACK body: int count, then count × (int partition, long queueOffset). */
    public static List<Position> decodePositions(byte[] body) {
        List<Position> positions = new ArrayList<>();
        if (body.length == 0) {
            return positions;
        }
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "acknowledgement list");
        int count = in.readCount("acknowledgement count");
        for (int i = 0; i < count; i++) {
            positions.add(new Position(in.readInt("partition"), in.readLong("queue offset")));
        }
        requireEnd(in);
        return positions;
    }

    private static void requireEnd(WireReader in) {
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last entry");
        }
    }
}
