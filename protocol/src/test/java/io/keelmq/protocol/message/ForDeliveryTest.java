package io.keelmq.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keelmq.protocol.frame.ProtocolException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link WireMessageCodec#forDelivery} must give exactly the bytes that decoding the body-less encoding, attaching
 * the body, setting JMSRedelivered and JMSXDeliveryCount and encoding again gives: the broker delivers its output
 * instead of re-encoding every message.
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
        for (int count : new int[] {1, 2, 7, Integer.MAX_VALUE}) {
            assertArrayEquals(reencoded(stored, type, body, count), WireMessageCodec.forDelivery(stored, body, count),
                    "delivery count " + count + ", body type " + type);
        }
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
