package io.keelmq.server.admin;

import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.frame.WireWriter;
import io.keelmq.protocol.message.DestinationRef;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of ADMIN {@code destination-list}'s answer (protocol/README.md, "Administration").
 *
 * @param messages for a queue, the messages not yet acknowledged (in flight included); for a topic, the messages
 *     its log holds (subscriptions read them at their own pace)
 * @param consumers open consumers on all the destination's subscriptions
 */
public record DestinationSummary(DestinationRef.Kind kind, String name, int partitions, long messages,
                                 int consumers) {

    /** int count, then count × (byte kind, string name, int partitions, long messages, int consumers). */
    public static byte[] encode(List<DestinationSummary> summaries) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(summaries.size());
        for (DestinationSummary summary : summaries) {
            out.writeByte(summary.kind().code());
            WireWriter.writeString(out, summary.name(), "destination name");
            out.writeInt(summary.partitions());
            out.writeLong(summary.messages());
            out.writeInt(summary.consumers());
        }
        return ByteBufUtil.getBytes(out);
    }

    /** @throws io.keelmq.protocol.frame.ProtocolException if {@code body} is not such a list */
    public static List<DestinationSummary> decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "destination list");
        int count = in.readCount("destination count");
        List<DestinationSummary> summaries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            DestinationRef.Kind kind = DestinationRef.Kind.fromCode(in.readByte("destination kind"));
            summaries.add(new DestinationSummary(kind, in.readString("destination name"), in.readInt("partitions"),
                    in.readLong("messages"), in.readInt("consumers")));
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last destination");
        }
        return summaries;
    }
}
