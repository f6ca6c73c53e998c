package io.keelmq.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keelmq.protocol.frame.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link WireMessageCodec#forDelivery} (and {@link DeliveryBytes}, which writes the same bytes into an answer) must
 * give exactly the bytes that decoding the body-less encoding, attaching the body, setting JMSRedelivered and
 * JMSXDeliveryCount and encoding again gives: the broker delivers its output instead of re-encoding every message.
 * {@link WireMessageCodec#peekStored} must read the fields a claim decides by as decoding would.
 */
class ForDeliveryTest {

    /** What the broker did before: decode, attach, set the two fields, encode. */
    private static byte[] reencoded(byte[] withoutBody, BodyType type, byte[] body, int deliveryCount) {
        WireMessage m = WireMessageCodec.decode(withoutBody);
        m.setBody(type, body);
        m.setDeliveryCount(deliveryCount);
        m.setRedelivered(deliveryCount > 1);
        return WireMessageCodec.encode(m);
    }

    private static byte[] withoutBody(WireMessage m) {
        m.setBody(m.getBodyType(), null);
        return WireMessageCodec.encode(m);
    }

    private static void assertSameAsReencoded(WireMessage m, byte[] body) {
        BodyType type = m.getBodyType();
        byte[] stored = withoutBody(m);
        StoredHeaders headers = WireMessageCodec.peekStored(stored, null, null);
        for (int count : new int[] {1, 2, 7, Integer.MAX_VALUE}) {
            byte[] expected = reencoded(stored, type, body, count);
            assertArrayEquals(expected, WireMessageCodec.forDelivery(stored, body, count),
                    "delivery count " + count + ", body type " + type);
            // Written into a buffer that holds something before it, as a PULL answer's deliveries are.
            ByteBuf out = Unpooled.buffer().writeInt(42);
            DeliveryBytes delivery = DeliveryBytes.stored(stored, headers, body, count);
            delivery.writeTo(out);
            assertEquals(expected.length, delivery.length());
            assertEquals(4 + expected.length, out.readableBytes());
            assertArrayEquals(expected, ByteBufUtil.getBytes(out, 4, expected.length), "delivery count " + count);
        }
    }

    @Test
    void peekGivesTheDecodedHeaderFieldsTheNamedPropertyAndWhetherANameIsPresent() {
        WireMessage m = Messages.full(BodyType.TEXT, null);
        m.setProperty("JMSXGroupID", "g-\u00e9");
        m.setExpiration(1234L);
        m.setPriority(3);
        m.setDeliveryTime(5678L);
        byte[] stored = WireMessageCodec.encode(m);
        StoredHeaders headers = WireMessageCodec.peekStored(stored, "JMSXGroupID", Set.of("private", "null"));
        assertEquals(m.getTimestamp(), headers.timestamp());
        assertEquals(1234L, headers.expiration());
        assertEquals(3, headers.priority());
        assertEquals(5678L, headers.deliveryTime());
        assertEquals(BodyType.TEXT, headers.bodyType());
        assertEquals("g-\u00e9", headers.namedValue());
        assertTrue(headers.anyOfPresent(), "the property 'null' is present (with a null value)");
        StoredHeaders other = WireMessageCodec.peekStored(stored, "absent", Set.of("private"));
        assertNull(other.namedValue());
        assertFalse(other.anyOfPresent());
        StoredHeaders bare = WireMessageCodec.peekStored(WireMessageCodec.encode(new WireMessage()), "x", Set.of("x"));
        assertEquals(4, bare.priority());
        assertFalse(bare.anyOfPresent());
    }

    @Test
    void peekRefusesWhatDecodeRefuses() {
        byte[] withBody = WireMessageCodec.encode(Messages.full(BodyType.BYTES, new byte[] {1, 2, 3, 4, 5, 6}));
        assertThrows(ProtocolException.class, () -> WireMessageCodec.peekStored(withBody, null, null));
        byte[] stored = withoutBody(Messages.full(BodyType.BYTES, new byte[0]));
        for (int length = 0; length < stored.length; length++) {
            byte[] cut = java.util.Arrays.copyOf(stored, length);
            assertThrows(ProtocolException.class, () -> WireMessageCodec.peekStored(cut, null, null),
                    "cut to " + length + " bytes");
        }
        byte[] trailing = java.util.Arrays.copyOf(stored, stored.length + 4);
        System.arraycopy(stored, stored.length - 4, trailing, stored.length, 4);
        assertThrows(ProtocolException.class, () -> WireMessageCodec.peekStored(trailing, null, null));
    }

    @Test
    void everyFieldAndPropertyTypeGivesTheReencodedBytes() {
        for (BodyType type : List.of(BodyType.BYTES, BodyType.TEXT, BodyType.MAP, BodyType.STREAM, BodyType.OBJECT)) {
            byte[] body = Messages.randomBytes(1024, type.ordinal());
            assertSameAsReencoded(Messages.full(type, body), body);
            assertSameAsReencoded(Messages.full(type, new byte[0]), new byte[0]);
        }
    }

    @Test
    void messageWithoutBodyOrOptionalFieldsGivesTheReencodedBytes() {
        assertSameAsReencoded(new WireMessage(), null);
        WireMessage m = Messages.full(BodyType.NONE, null);
        assertSameAsReencoded(m, null);
    }

    @Test
    void correlationIdAsBytesAndNoDestinationsAreSteppedOver() {
        WireMessage m = Messages.full(BodyType.BYTES, new byte[] {4, 5});
        m.setCorrelationIdBytes(new byte[] {1, 2, 3});
        m.setDestination(null);
        m.setReplyTo(null);
        m.setType(null);
        m.setMessageId(null);
        assertSameAsReencoded(m, new byte[] {4, 5});
    }

    @Test
    void anEncodingWithABodyOrTruncatedIsRefused() {
        byte[] withBody = WireMessageCodec.encode(Messages.full(BodyType.BYTES, new byte[] {1, 2, 3, 4, 5, 6}));
        assertThrows(ProtocolException.class, () -> WireMessageCodec.forDelivery(withBody, new byte[1], 1));
        byte[] stored = withoutBody(Messages.full(BodyType.BYTES, new byte[0]));
        assertThrows(ProtocolException.class, () -> WireMessageCodec.forDelivery(
                java.util.Arrays.copyOf(stored, 20), new byte[1], 1));
        assertThrows(ProtocolException.class, () -> WireMessageCodec.forDelivery(new byte[] {9, 0, 0}, null, 1));
    }
}
