package io.keelmq.protocol.message;

import io.netty.buffer.ByteBuf;

/**
 * A delivered message's encoding, written straight into the answer that carries it: either bytes encoded already, or
 * a stored message's encoding without its body (as {@link WireMessageCodec#encode} wrote it for the message with a null
 * body) plus its body, JMSRedelivered and JMSXDeliveryCount patched on the way (see
 * {@link WireMessageCodec#forDelivery}). The second form spares the broker building each delivered message in an array
 * of its own only to copy it into the answer.
 */
public final class DeliveryBytes {
    private final byte[] head;
    private final byte[] body;
    /** Index in {@link #head} of the JMSRedelivered byte, or -1 when {@link #head} is the whole encoding. */
    private final int redeliveredAt;
    private final int deliveryCountAt;
    private final int deliveryCount;

    private DeliveryBytes(byte[] head, byte[] body, int redeliveredAt, int deliveryCountAt, int deliveryCount) {
        this.head = head;
        this.body = body;
        this.redeliveredAt = redeliveredAt;
        this.deliveryCountAt = deliveryCountAt;
        this.deliveryCount = deliveryCount;
    }

    /** A message encoded already, written as it is. */
    public static DeliveryBytes encoded(byte[] encoded) {
        return new DeliveryBytes(encoded, null, -1, -1, 0);
    }

    /**
     * A stored message's body-less encoding and its body, delivered with {@code deliveryCount}: the same bytes as
     * {@link WireMessageCodec#forDelivery}{@code (withoutBody, body, deliveryCount)}.
     *
     * @param body null for a message without a body (or with a null one)
     * @throws io.keelmq.protocol.frame.ProtocolException if {@code withoutBody} is not an encoded message with a
     *     null body
     */
    public static DeliveryBytes stored(byte[] withoutBody, byte[] body, int deliveryCount) {
        long at = WireMessageCodec.deliveryFieldsOf(withoutBody);
        return new DeliveryBytes(withoutBody, body, (int) (at >>> 32), (int) at, deliveryCount);
    }

    /**
     * As {@link #stored(byte[], byte[], int)}, with the fields' places known already ({@code headers}, from
     * {@link WireMessageCodec#peekStored} of {@code withoutBody}).
     */
    public static DeliveryBytes stored(byte[] withoutBody, StoredHeaders headers, byte[] body, int deliveryCount) {
        return new DeliveryBytes(withoutBody, body, headers.redeliveredAt(), headers.deliveryCountAt(), deliveryCount);
    }

    /** The encoding's length in bytes. */
    public int length() {
        return head.length + (body == null ? 0 : body.length);
    }

    /** Appends the encoding to {@code out}. */
    public void writeTo(ByteBuf out) {
        int start = out.writerIndex();
        out.writeBytes(head);
        if (redeliveredAt < 0) {
            return;
        }
        out.setByte(start + redeliveredAt, deliveryCount > 1 ? 1 : 0);
        out.setInt(start + deliveryCountAt, deliveryCount);
        if (body != null) {
            // The last four bytes of the body-less encoding are the null body's length (-1).
            out.setInt(start + head.length - 4, body.length);
            out.writeBytes(body);
        }
    }

    /** The encoding in an array of its own. */
    public byte[] toArray() {
        byte[] bytes = new byte[length()];
        writeTo(io.netty.buffer.Unpooled.wrappedBuffer(bytes).writerIndex(0));
        return bytes;
    }
}
