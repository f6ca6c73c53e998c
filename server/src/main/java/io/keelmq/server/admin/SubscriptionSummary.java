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
 * One line of ADMIN {@code subscription-list}'s answer (protocol/README.md, "Administration").
 *
 * @param kind     QUEUE, NON_DURABLE, SHARED, DURABLE or SHARED_DURABLE
 * @param clientId the client id of a durable or shared subscription, null if none
 * @param name     the subscription name, null for a queue's or a non-durable one
 * @param pending  messages of its destination not yet acknowledged by it (in flight included)
 */
public record SubscriptionSummary(String kind, String clientId, String name, DestinationRef.Kind destinationKind,
                                  String destination, int consumers, long pending) {

    /** int count, then count × (string kind, nullable string clientId, nullable string name, byte destination kind,
     * string destination, int consumers, long pending). */
    public static byte[] encode(List<SubscriptionSummary> summaries) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(summaries.size());
        for (SubscriptionSummary s : summaries) {
            WireWriter.writeString(out, s.kind(), "kind");
            WireWriter.writeNullableString(out, s.clientId(), "client id");
            WireWriter.writeNullableString(out, s.name(), "name");
            out.writeByte(s.destinationKind().code());
            WireWriter.writeString(out, s.destination(), "destination");
            out.writeInt(s.consumers());
            out.writeLong(s.pending());
        }
        return ByteBufUtil.getBytes(out);
    }

    /** @throws io.keelmq.protocol.frame.ProtocolException if {@code body} is not such a list */
    public static List<SubscriptionSummary> decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "subscription list");
        int count = in.readCount("subscription count");
        List<SubscriptionSummary> summaries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            summaries.add(new SubscriptionSummary(in.readString("kind"), in.readNullableString("client id"),
                    in.readNullableString("name"), DestinationRef.Kind.fromCode(in.readByte("destination kind")),
                    in.readString("destination"), in.readInt("consumers"), in.readLong("pending")));
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last subscription");
        }
        return summaries;
    }
}
