package io.keelmq.protocol.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WireMessageCodecTest {

    private static WireMessage roundTrip(WireMessage m) {
        WireMessage decoded = WireMessageCodec.decode(WireMessageCodec.encode(m));
        assertEquals(m, decoded);
        assertEquals(new ArrayList<>(m.getProperties().keySet()), new ArrayList<>(decoded.getProperties().keySet()),
                "property order");
        return decoded;
    }

    @Test
    void everyHeaderFieldRoundTrips() {
        WireMessage d = roundTrip(Messages.full(BodyType.BYTES, new byte[] {1, 2, 3}));
        assertEquals("ID:keel-\uD83D\uDE00-1", d.getMessageId());
        assertEquals(1_700_000_000_123L, d.getTimestamp());
        assertEquals("corr-\u00e9", d.getCorrelationId());
        assertNull(d.getCorrelationIdBytes());
        assertEquals(DestinationRef.queue("orders"), d.getDestination());
        assertEquals(new DestinationRef(DestinationRef.Kind.TEMPORARY_TOPIC, "tmp://\u4e2d/1"), d.getReplyTo());
        assertEquals(WireMessage.NON_PERSISTENT, d.getDeliveryMode());
        assertTrue(d.isRedelivered());
        assertEquals("order.created", d.getType());
        assertEquals(Long.MAX_VALUE, d.getExpiration());
        assertEquals(9, d.getPriority());
        assertEquals(Long.MIN_VALUE, d.getDeliveryTime());
        assertEquals(Integer.MAX_VALUE, d.getDeliveryCount());
        assertEquals(BodyType.BYTES, d.getBodyType());
        assertArrayEquals(new byte[] {1, 2, 3}, d.getBody());
    }

    @Test
    void defaultMessageRoundTripsWithNullsAndDefaults() {
        WireMessage d = roundTrip(new WireMessage());
        assertNull(d.getMessageId());
        assertNull(d.getCorrelationId());
        assertNull(d.getCorrelationIdBytes());
        assertNull(d.getDestination());
        assertNull(d.getReplyTo());
        assertNull(d.getType());
        assertNull(d.getBody());
        assertEquals(BodyType.NONE, d.getBodyType());
        assertEquals(WireMessage.PERSISTENT, d.getDeliveryMode());
        assertEquals(4, d.getPriority());
        assertFalse(d.isRedelivered());
        assertTrue(d.getProperties().isEmpty());
    }

    @Test
    void emptyStringsStayEmptyNotNull() {
        WireMessage m = new WireMessage();
        m.setMessageId("");
        m.setType("");
        m.setCorrelationId("");
        WireMessage d = roundTrip(m);
        assertEquals("", d.getMessageId());
        assertEquals("", d.getType());
        assertEquals("", d.getCorrelationId());
    }

    @Test
    void correlationIdAsBytesIsKeptApartFromString() {
        WireMessage m = new WireMessage();
        m.setCorrelationId("text");
        m.setCorrelationIdBytes(new byte[] {0, -1, 127});
        assertNull(m.getCorrelationId(), "setting bytes replaces the string");
        WireMessage d = roundTrip(m);
        assertArrayEquals(new byte[] {0, -1, 127}, d.getCorrelationIdBytes());
        assertNull(d.getCorrelationId());

        m.setCorrelationIdBytes(new byte[0]);
        assertArrayEquals(new byte[0], roundTrip(m).getCorrelationIdBytes());
    }

    @Test
    void everyDestinationKindRoundTrips() {
        for (DestinationRef.Kind kind : DestinationRef.Kind.values()) {
            WireMessage m = new WireMessage();
            m.setDestination(new DestinationRef(kind, kind + "-dest"));
            m.setReplyTo(new DestinationRef(kind, "reply"));
            WireMessage d = roundTrip(m);
            assertEquals(kind, d.getDestination().kind());
            assertEquals(kind + "-dest", d.getDestination().name());
            assertEquals(kind, d.getReplyTo().kind());
        }
    }

    @Test
    void everyPropertyTypeAndExtremeValueRoundTrips() {
        WireMessage m = new WireMessage();
        Object[] values = {
            true, false, (byte) 0, Byte.MAX_VALUE, Byte.MIN_VALUE, (short) -1, Short.MIN_VALUE,
            0, Integer.MIN_VALUE, Integer.MAX_VALUE, 0L, Long.MIN_VALUE, Long.MAX_VALUE,
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE,
            Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0d, Double.MIN_VALUE,
            "", "\uD83D\uDE00\uD800\uDC00\uDBFF\uDFFF", "x".repeat(70_000), null,
        };
        for (int i = 0; i < values.length; i++) {
            m.setProperty("p" + i, values[i]);
        }
        WireMessage d = roundTrip(m);
        for (int i = 0; i < values.length; i++) {
            Object actual = d.getProperty("p" + i);
            assertEquals(values[i], actual, "p" + i);
            if (values[i] != null) {
                assertEquals(values[i].getClass(), actual.getClass(), "type of p" + i);
            }
        }
        assertTrue(d.hasProperty("p" + (values.length - 1)), "a null-valued property still exists");
        // -0.0 and 0.0 differ in their bits, and the bits are what travels
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits((Float) d.getProperty("p16")));
    }

    @Test
    void nanPayloadBitsArePreserved() {
        WireMessage m = new WireMessage();
        float oddNaN = Float.intBitsToFloat(0x7fc00abc);
        double oddNaND = Double.longBitsToDouble(0x7ff8000000000abcL);
        m.setProperty("f", oddNaN);
        m.setProperty("d", oddNaND);
        WireMessage d = roundTrip(m);
        assertEquals(0x7fc00abc, Float.floatToRawIntBits((Float) d.getProperty("f")));
        assertEquals(0x7ff8000000000abcL, Double.doubleToRawLongBits((Double) d.getProperty("d")));
    }

    @Test
    void everyBodyTypeRoundTrips() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("a", 'x');
        map.put("b", new byte[] {5});
        List<Object> stream = new ArrayList<>();
        stream.add(null);
        stream.add(1.5d);
        byte[][] bodies = {
            null,
            TextBody.encode("h\u00e9llo \uD83D\uDE00"),
            new byte[] {0, 1, -128},
            TypedValues.encodeMap(map),
            new byte[] {(byte) 0xAC, (byte) 0xED, 0, 5},
            TypedValues.encodeStream(stream),
        };
        for (BodyType type : BodyType.values()) {
            WireMessage d = roundTrip(Messages.full(type, bodies[type.ordinal()]));
            assertEquals(type, d.getBodyType());
            assertArrayEquals(bodies[type.ordinal()], d.getBody(), type.name());
        }
        assertEquals("h\u00e9llo \uD83D\uDE00", TextBody.decode(roundTrip(Messages.full(BodyType.TEXT,
                bodies[1])).getBody()));
    }

    @Test
    void nullAndEmptyTextBodiesStayDistinct() {
        WireMessage nullText = roundTrip(Messages.full(BodyType.TEXT, TextBody.encode(null)));
        assertNull(TextBody.decode(nullText.getBody()));
        WireMessage emptyText = roundTrip(Messages.full(BodyType.TEXT, TextBody.encode("")));
        assertEquals("", TextBody.decode(emptyText.getBody()));
        assertNotEquals(nullText, emptyText);
    }

    @Test
    void oneMebibyteBodyRoundTrips() {
        byte[] body = Messages.randomBytes(1024 * 1024, 9);
        WireMessage d = roundTrip(Messages.full(BodyType.BYTES, body));
        assertArrayEquals(body, d.getBody());

        String text = "\u00e9\uD83D\uDE00".repeat(1024 * 1024 / 6);
        assertEquals(text, TextBody.decode(roundTrip(Messages.full(BodyType.TEXT, TextBody.encode(text))).getBody()));
    }

    @Test
    void batchOfMessagesDecodesOneAtATimeFromABuffer() {
        ByteBuf buf = Unpooled.buffer();
        List<WireMessage> batch = List.of(Messages.full(BodyType.BYTES, new byte[10]), new WireMessage(),
                Messages.full(BodyType.TEXT, TextBody.encode("third")));
        batch.forEach(m -> WireMessageCodec.encode(m, buf));
        for (WireMessage expected : batch) {
            assertEquals(expected, WireMessageCodec.decode(buf));
        }
        assertEquals(0, buf.readableBytes());
    }

    @Test
    void settersRefuseValuesNoReceiverAccepts() {
        WireMessage m = new WireMessage();
        assertThrows(IllegalArgumentException.class, () -> m.setPriority(10));
        assertThrows(IllegalArgumentException.class, () -> m.setPriority(-1));
        assertThrows(IllegalArgumentException.class, () -> m.setDeliveryMode(0));
        assertThrows(IllegalArgumentException.class, () -> m.setDeliveryMode(3));
        assertThrows(IllegalArgumentException.class, () -> m.setDeliveryCount(-1));
        assertThrows(IllegalArgumentException.class, () -> m.setBody(BodyType.NONE, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> m.setProperty("", 1));
        assertThrows(IllegalArgumentException.class, () -> m.setProperty(null, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> m.setProperty("date", new java.util.Date()));
        assertTrue(e.getMessage().contains("java.util.Date"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> m.setProperty("bytes", new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> m.setProperty("char", 'c'));
        assertThrows(IllegalArgumentException.class, () -> m.setProperty("big", java.math.BigDecimal.ONE));
        assertThrows(IllegalArgumentException.class, () -> new DestinationRef(DestinationRef.Kind.QUEUE, ""));
        assertTrue(m.getProperties().isEmpty(), "refused properties were not stored");
    }

    @Test
    void unpairedSurrogateIsRefusedRatherThanSilentlyReplaced() {
        WireMessage m = new WireMessage();
        m.setType("broken\uDC00");
        ByteBuf out = Unpooled.buffer();
        out.writeByte(42);
        assertThrows(IllegalArgumentException.class, () -> WireMessageCodec.encode(m, out));
        assertEquals(1, out.writerIndex(), "a failed encode leaves nothing behind");
        assertThrows(IllegalArgumentException.class, () -> TextBody.encode("\uD800"));
    }
}
