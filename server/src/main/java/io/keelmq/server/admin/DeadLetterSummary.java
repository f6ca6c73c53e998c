package io.keelmq.server.admin;

import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.frame.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of ADMIN {@code dlq-list}'s answer (protocol/README.md, "Administration"): a dead letter's JMSMessageID,
 * the destination it was sent to ({@code queue://name}, {@code topic://name}), why it was given up on, its
 * deliveries and when it was moved (epoch ms). Strings are empty and numbers 0 when the message lacks the property.
 */
public record DeadLetterSummary(String messageId, String originalDestination, String reason, int deliveryCount,
                                long time) {

    /** int count, then count × (string id, string original destination, string reason, int count, long time). */
    public static byte[] encode(List<DeadLetterSummary> letters) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(letters.size());
        for (DeadLetterSummary letter : letters) {
            WireWriter.writeString(out, letter.messageId(), "message id");
            WireWriter.writeString(out, letter.originalDestination(), "original destination");
            WireWriter.writeString(out, letter.reason(), "reason");
            out.writeInt(letter.deliveryCount());
            out.writeLong(letter.time());
        }
        return ByteBufUtil.getBytes(out);
    }

    /** @throws io.keelmq.protocol.frame.ProtocolException if {@code body} is not such a list */
    public static List<DeadLetterSummary> decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "dead letter list");
        int count = in.readCount("dead letter count");
        List<DeadLetterSummary> letters = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            letters.add(new DeadLetterSummary(in.readString("message id"), in.readString("original destination"),
                    in.readString("reason"), in.readInt("delivery count"), in.readLong("time")));
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last dead letter");
        }
        return letters;
    }
}
