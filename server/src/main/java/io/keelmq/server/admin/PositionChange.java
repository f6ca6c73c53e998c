package io.keelmq.server.admin;

import io.keelmq.protocol.frame.WireReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * One partition of ADMIN {@code subscription-reset}'s answer: where the subscription's position (its low watermark,
 * the first unacknowledged queue offset) was and where it is now.
 */
public record PositionChange(int partition, long before, long after) {

    /** int count, then count × (int partition, long before, long after). */
    public static byte[] encode(List<PositionChange> changes) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(changes.size());
        for (PositionChange change : changes) {
            out.writeInt(change.partition());
            out.writeLong(change.before());
            out.writeLong(change.after());
        }
        return ByteBufUtil.getBytes(out);
    }

    /** @throws io.keelmq.protocol.frame.ProtocolException if {@code body} is not such a list */
    public static List<PositionChange> decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "position changes");
        int count = in.readCount("partition count");
        List<PositionChange> changes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            changes.add(new PositionChange(in.readInt("partition"), in.readLong("before"), in.readLong("after")));
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last partition");
        }
        return changes;
    }
}
