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
 * One message of ADMIN {@code message-query}'s answer (protocol/README.md, "Administration").
 *
 * @param tag     property {@code JMS_Keel_Tag}, null if the message has none
 * @param keys    property {@code JMS_Keel_Keys} (space-separated), empty if none
 * @param preview the start of a text body, or the body's type and size for other bodies
 */
public record FoundMessage(DestinationRef.Kind kind, String destination, int partition, long queueOffset,
                           String messageId, long storeTimestamp, String tag, String keys, String preview) {

    /** int count, then count × (byte kind, string destination, int partition, long queueOffset, string messageId,
     * long storeTimestamp, nullable string tag, string keys, string preview). */
    public static byte[] encode(List<FoundMessage> messages) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(messages.size());
        for (FoundMessage m : messages) {
            out.writeByte(m.kind().code());
            WireWriter.writeString(out, m.destination(), "destination");
            out.writeInt(m.partition());
            out.writeLong(m.queueOffset());
            WireWriter.writeString(out, m.messageId(), "message id");
            out.writeLong(m.storeTimestamp());
            WireWriter.writeNullableString(out, m.tag(), "tag");
            WireWriter.writeString(out, m.keys(), "keys");
            WireWriter.writeString(out, m.preview(), "preview");
        }
        return ByteBufUtil.getBytes(out);
    }

    /** @throws io.keelmq.protocol.frame.ProtocolException if {@code body} is not such a list */
    public static List<FoundMessage> decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "message list");
        int count = in.readCount("message count");
        List<FoundMessage> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new FoundMessage(DestinationRef.Kind.fromCode(in.readByte("destination kind")),
                    in.readString("destination"), in.readInt("partition"), in.readLong("queue offset"),
                    in.readString("message id"), in.readLong("store timestamp"), in.readNullableString("tag"),
                    in.readString("keys"), in.readString("preview")));
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last message");
        }
        return messages;
    }
}
