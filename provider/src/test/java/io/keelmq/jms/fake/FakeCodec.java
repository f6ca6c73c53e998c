package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/** The broker side of the contract's binary bodies, written independently of the client's code. */
final class FakeCodec {

    record Ref(long consumerId, int partition, long offset) {
    }

    record Pos(int partition, long offset) {
    }

    private FakeCodec() {
    }

    static byte[] deliveries(List<FakeEntry> entries) {
        ByteBuf out = Unpooled.buffer();
        writeDeliveries(out, entries);
        return ByteBufUtil.getBytes(out);
    }

    static byte[] browse(List<FakeEntry> entries, int nextPartition, long nextOffset) {
        ByteBuf out = Unpooled.buffer();
        writeDeliveries(out, entries);
        out.writeInt(nextPartition);
        out.writeLong(nextOffset);
        return ByteBufUtil.getBytes(out);
    }

    private static void writeDeliveries(ByteBuf out, List<FakeEntry> entries) {
        out.writeInt(entries.size());
        for (FakeEntry e : entries) {
            int count = Math.max(1, e.deliveryCount);
            byte[] encoded = delivered(e);
            out.writeInt(e.partition);
            out.writeLong(e.offset);
            out.writeInt(count);
            out.writeInt(encoded.length);
            out.writeBytes(encoded);
        }
    }

    /** The message as delivered: with its delivery count and redelivered flag. */
    private static byte[] delivered(FakeEntry e) {
        int count = Math.max(1, e.deliveryCount);
        WireMessage copy = WireMessageCodec.decode(WireMessageCodec.encode(e.message));
        copy.setDeliveryCount(count);
        copy.setRedelivered(count > 1);
        return WireMessageCodec.encode(copy);
    }

    /** What a delivery's message length will be, which a standing pull's byte window counts. */
    static int deliveredSize(FakeEntry e) {
        return delivered(e).length;
    }

    static int encodedSize(FakeEntry e) {
        return WireMessageCodec.encode(e.message).length;
    }

    /** Strict: the list must be exactly count entries, nothing after. */
    static List<Ref> undelivered(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "undelivered list");
        int count = in.readCount("count");
        List<Ref> refs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            refs.add(new Ref(in.readLong("consumer id"), in.readInt("partition"), in.readLong("offset")));
        }
        requireEnd(in);
        return refs;
    }

    private static void requireEnd(WireReader in) {
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the list");
        }
    }
}
