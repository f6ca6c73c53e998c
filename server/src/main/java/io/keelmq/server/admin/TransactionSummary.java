package io.keelmq.server.admin;

import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.frame.WireWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;

/**
 * One line of ADMIN {@code transaction-list}'s answer (protocol/README.md, "Administration"): a transaction that
 * waits for a decision. {@code kind} says which: {@code PRODUCER} (a transactional producer's half message, addressed
 * by {@code id}) or {@code XA} (an XA branch waiting for its transaction manager, the Xid as id, decided
 * heuristically by {@code --xid}).
 *
 * @param destination the message's destination as {@code queue://name} or {@code topic://name}; for an XA branch
 *                    every destination it sent to or consumed from, comma-separated
 * @param messageId   for an XA branch, how many messages it sent and consumed ({@code N messages})
 * @param state       {@code UNDECIDED} (checked back) or {@code UNRESOLVED} (check-backs used up: an operator decides);
 *                    for an XA branch {@code PREPARED}, {@code HEURISTIC_COMMITTED} or {@code HEURISTIC_ROLLED_BACK}
 * @param since       when it was prepared (epoch ms)
 * @param checks      check-backs sent (counted across restarts)
 */
public record TransactionSummary(String kind, String id, String group, String destination, String messageId,
                                 String state, long since, int checks) {

    /** int count, then count × (string kind, id, group, destination, messageId, state, long since, int checks). */
    public static byte[] encode(List<TransactionSummary> transactions) {
        ByteBuf out = Unpooled.buffer();
        out.writeInt(transactions.size());
        for (TransactionSummary t : transactions) {
            WireWriter.writeString(out, t.kind(), "kind");
            WireWriter.writeString(out, t.id(), "id");
            WireWriter.writeString(out, t.group(), "group");
            WireWriter.writeString(out, t.destination(), "destination");
            WireWriter.writeString(out, t.messageId(), "message id");
            WireWriter.writeString(out, t.state(), "state");
            out.writeLong(t.since());
            out.writeInt(t.checks());
        }
        return ByteBufUtil.getBytes(out);
    }

    /** @throws io.keelmq.protocol.frame.ProtocolException if {@code body} is not such a list */
    public static List<TransactionSummary> decode(byte[] body) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "transaction list");
        int count = in.readCount("transaction count");
        List<TransactionSummary> transactions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            transactions.add(new TransactionSummary(in.readString("kind"), in.readString("id"),
                    in.readString("group"), in.readString("destination"), in.readString("message id"),
                    in.readString("state"), in.readLong("since"), in.readInt("checks")));
        }
        if (in.remaining() != 0) {
            throw in.malformed(in.remaining() + " bytes after the last transaction");
        }
        return transactions;
    }
}
