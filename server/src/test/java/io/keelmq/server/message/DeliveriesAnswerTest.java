package io.keelmq.server.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameBody;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameEncoder;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DeliveryBytes;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.store.StoredMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A PULL answer's body is written from the delivered messages into Netty's outbound buffer when the answer is
 * encoded ({@link DeliveryCodec#deliveries}), not built in an array first: the bytes are the same as the array form's,
 * and what the claim does with its list after handing it over cannot change them.
 */
class DeliveriesAnswerTest {

    private static Delivery delivery(int i, int deliveryCount) {
        WireMessage m = new WireMessage();
        m.setMessageId("ID:keel-" + i);
        m.setTimestamp(1_700_000_000_000L + i);
        m.setDestination(DestinationRef.queue("orders"));
        m.setProperty("n", (long) i);
        byte[] body = ("message " + i).repeat(40).getBytes(StandardCharsets.UTF_8);
        m.setBody(BodyType.BYTES, body);
        byte[] properties = StoredForm.encodeProperties(m, null);
        StoredMessage stored = new StoredMessage(0, i, "orders", 0, 4, 0, 0, 0, 0, null, "ID:keel-" + i, "",
                properties, body);
        DeliveryBytes bytes = StoredForm.decode(stored).encodeForDelivery(deliveryCount);
        return new Delivery(i % 2, i, deliveryCount, bytes);
    }

    @Test
    void aPullAnswerGoesOutAsItsArrayFormWouldEvenIfTheClaimsListChangesAfterwards() {
        List<Delivery> claimed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            claimed.add(delivery(i, 1 + i % 3));
        }
        byte[] expected = DeliveryCodec.encodeDeliveries(claimed);
        Frame request = Frame.request(RequestCode.PULL, 9, Map.of(), null);
        FrameBody body = DeliveryCodec.deliveries(claimed);
        Frame answer = Frame.writtenResponseTo(request, Map.of(), body);

        claimed.clear();                                   // the list handed over is the answer's no more
        claimed.add(delivery(99, 5));

        assertEquals(expected.length, body.length());
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        channel.writeOutbound(answer);
        ByteBuf out = channel.readOutbound();
        try {
            Frame sameAsArray = Frame.responseTo(request, Map.of(), expected);
            ByteBuf arrayForm = Unpooled.buffer();
            FrameCodec.encode(sameAsArray, arrayForm);
            assertArrayEquals(ByteBufUtil.getBytes(arrayForm), ByteBufUtil.getBytes(out));
        } finally {
            out.release();
            channel.finishAndReleaseAll();
        }
        // And each message in it decodes as delivered: the delivery fields patched in the outbound buffer only.
        byte[] again = answer.body();
        assertArrayEquals(expected, again);
        WireMessage third = WireMessageCodec.decode(Arrays.copyOfRange(again, messageStart(again, 2),
                messageStart(again, 2) + messageLength(again, 2)));
        assertEquals("ID:keel-2", third.getMessageId());
        assertEquals(3, third.getDeliveryCount());
        assertTrue(third.isRedelivered());
    }

    /** Where the n-th message of an answer body starts: count, then (partition, offset, count, length, message). */
    private static int messageStart(byte[] body, int n) {
        int at = 4;
        for (int i = 0; i < n; i++) {
            at += 4 + 8 + 4 + 4 + Unpooled.wrappedBuffer(body).getInt(at + 4 + 8 + 4);
        }
        return at + 4 + 8 + 4 + 4;
    }

    private static int messageLength(byte[] body, int n) {
        return Unpooled.wrappedBuffer(body).getInt(messageStart(body, n) - 4);
    }
}
