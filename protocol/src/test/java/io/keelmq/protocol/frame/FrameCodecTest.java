package io.keelmq.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameCodecTest {

    private static byte[] encode(Frame frame) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(frame, buf);
        return ByteBufUtil.getBytes(buf);
    }

    private static Frame roundTrip(Frame frame) {
        ByteBuf buf = Unpooled.wrappedBuffer(encode(frame));
        Frame decoded = FrameCodec.decode(buf, FrameLimits.DEFAULT);
        assertNotNull(decoded);
        assertEquals(0, buf.readableBytes(), "decode must consume exactly one frame");
        return decoded;
    }

    @Test
    void emptyBodyNoHeadersRoundTripAndHasExactLayout() {
        Frame frame = Frame.request(RequestCode.HEARTBEAT, 0x0102030405060708L, null, null);
        byte[] bytes = encode(frame);
        // 4 length + 1 version + 2 code + 8 correlation + 1 flags + 2 header count
        assertEquals(18, bytes.length);
        ByteBuf b = Unpooled.wrappedBuffer(bytes);
        assertEquals(14, b.readInt());
        assertEquals(1, b.readByte());
        assertEquals(RequestCode.HEARTBEAT.code(), b.readShort());
        assertEquals(0x0102030405060708L, b.readLong());
        assertEquals(0, b.readByte());
        assertEquals(0, b.readShort());

        Frame decoded = roundTrip(frame);
        assertEquals(frame, decoded);
        assertEquals(0, decoded.body().length);
        assertTrue(decoded.headers().isEmpty());
        assertEquals(RequestCode.HEARTBEAT, decoded.requestCode());
        assertFalse(decoded.isResponse() || decoded.isOneway() || decoded.isError());
    }

    @Test
    void headerLayoutIsKeyShortValueInt() {
        Frame frame = Frame.request(RequestCode.SEND, 7, Map.of("k", "vé"), new byte[] {9});
        ByteBuf b = Unpooled.wrappedBuffer(encode(frame));
        b.skipBytes(4 + 12);
        assertEquals(1, b.readShort());
        assertEquals(1, b.readShort());
        assertEquals('k', b.readByte());
        assertEquals(3, b.readInt()); // "vé" is 3 UTF-8 bytes
        assertEquals("vé", b.readCharSequence(3, StandardCharsets.UTF_8).toString());
        assertEquals(9, b.readByte());
        assertEquals(0, b.readableBytes());
    }

    @Test
    void manyHeadersKeepInsertionOrderAndUnicode() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = FrameLimits.DEFAULT_MAX_HEADER_COUNT - 1; i >= 0; i--) {
            headers.put("key-" + i, "value-" + i + "-\u00e9\u4e2d\uD83D\uDE00");
        }
        headers.put("", ""); // empty keys and values are legal on the wire
        headers.remove("key-0");
        Frame frame = Frame.request(RequestCode.CREATE_CONSUMER, 42, headers, "body".getBytes(StandardCharsets.UTF_8));
        Frame decoded = roundTrip(frame);
        assertEquals(new ArrayList<>(headers.entrySet()), new ArrayList<>(decoded.headers().entrySet()));
        assertEquals("value-5-\u00e9\u4e2d\uD83D\uDE00", decoded.header("key-5"));
        assertArrayEquals("body".getBytes(StandardCharsets.UTF_8), decoded.body());
    }

    @Test
    void largeBodyRoundTrips() {
        byte[] body = new byte[FrameLimits.DEFAULT_MAX_BODY_SIZE];
        new Random(1).nextBytes(body);
        Frame frame = Frame.request(RequestCode.SEND_BATCH, -1L, Map.of("a", "b"), body);
        Frame decoded = roundTrip(frame);
        assertArrayEquals(body, decoded.body());
        assertEquals(-1L, decoded.correlationId());
    }

    @Test
    void responsesKeepCodeAndCorrelationId() {
        Frame request = Frame.request(RequestCode.COMMIT, 99, Map.of("tx", "1"), null);
        Frame response = roundTrip(Frame.responseTo(request, Map.of("ok", "true"), new byte[] {1, 2}));
        assertTrue(response.isResponse());
        assertFalse(response.isError());
        assertEquals(RequestCode.COMMIT, response.requestCode());
        assertEquals(99, response.correlationId());
        assertNull(response.errorCode());
        assertNull(response.errorMessage());

        Frame error = roundTrip(Frame.errorResponse(request, ErrorCode.NOT_FOUND, "no transaction 1 \u2603"));
        assertTrue(error.isResponse());
        assertTrue(error.isError());
        assertEquals(99, error.correlationId());
        assertEquals(ErrorCode.NOT_FOUND, error.errorCode());
        assertEquals("no transaction 1 \u2603", error.errorMessage());
    }

    @Test
    void connectionErrorIsOnewayClose() {
        Frame frame = roundTrip(Frame.connectionError(ErrorCode.FRAME_TOO_LARGE, "frame too big"));
        assertTrue(frame.isOneway());
        assertTrue(frame.isError());
        assertFalse(frame.isResponse());
        assertEquals(RequestCode.CLOSE, frame.requestCode());
        assertEquals(ErrorCode.FRAME_TOO_LARGE, frame.errorCode());
        assertEquals("frame too big", frame.errorMessage());
    }

    @Test
    void onewayAndResponsesCannotBeAnswered() {
        Frame oneway = Frame.oneway(RequestCode.ACK, 5, null, null);
        assertTrue(oneway.isOneway());
        assertThrows(IllegalArgumentException.class, () -> Frame.responseTo(oneway, null, null));
        Frame response = Frame.responseTo(Frame.request(RequestCode.PULL, 1, null, null), null, null);
        assertThrows(IllegalArgumentException.class,
                () -> Frame.errorResponse(response, ErrorCode.INTERNAL, "x"));
    }

    @Test
    void illegalFlagCombinationsAreRefused() {
        Map<String, String> none = Map.of();
        short code = RequestCode.SEND.code();
        assertThrows(IllegalArgumentException.class,
                () -> new Frame((byte) 1, code, 1, FrameFlags.RESPONSE | FrameFlags.ONEWAY, none, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame((byte) 1, code, 1, FrameFlags.ERROR, none, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame((byte) 1, code, 1, 0x08, none, null));
        assertThrows(IllegalArgumentException.class, () -> new Frame((byte) 1, code, 1, 0x100, none, null));
    }

    @Test
    void unknownRequestCodeIsFramedButRefusedByRequestCode() {
        Frame frame = new Frame((byte) 1, (short) 777, 3, 0, null, null);
        Frame decoded = roundTrip(frame);
        assertEquals(777, decoded.code());
        ProtocolException e = assertThrows(ProtocolException.class, decoded::requestCode);
        assertEquals(ErrorCode.UNKNOWN_REQUEST, e.errorCode());
        assertTrue(e.getMessage().contains("777"), e.getMessage());
    }

    @Test
    void incompleteFrameReturnsNullWithoutConsuming() {
        byte[] bytes = encode(Frame.request(RequestCode.SEND, 1, Map.of("h", "v"), new byte[100]));
        for (int n = 0; n < bytes.length; n++) {
            ByteBuf prefix = Unpooled.wrappedBuffer(bytes, 0, n);
            assertNull(FrameCodec.decode(prefix, FrameLimits.DEFAULT), "prefix " + n);
            assertEquals(n, prefix.readableBytes(), "prefix " + n + " must not be consumed");
        }
    }

    @Test
    void severalFramesDecodeOneAtATime() {
        ByteBuf buf = Unpooled.buffer();
        List<Frame> frames = List.of(
                Frame.request(RequestCode.SEND, 1, Map.of("a", "1"), new byte[] {1}),
                Frame.oneway(RequestCode.HEARTBEAT, 2, null, null),
                Frame.request(RequestCode.CLOSE, 3, null, new byte[1000]));
        frames.forEach(f -> FrameCodec.encode(f, buf));
        buf.writeByte(0); // the first byte of a fourth frame
        for (Frame expected : frames) {
            assertEquals(expected, FrameCodec.decode(buf, FrameLimits.DEFAULT));
        }
        assertNull(FrameCodec.decode(buf, FrameLimits.DEFAULT));
        assertEquals(1, buf.readableBytes());
    }

    @Test
    void frameExactlyAtLimitIsAcceptedAndOneByteMoreRefused() {
        FrameLimits limits = FrameLimits.DEFAULT.withMaxFrameSize(FrameLimits.FIXED_HEADER_SIZE + 100);
        Frame atLimit = Frame.request(RequestCode.SEND, 1, null, new byte[100]);
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(atLimit, buf, limits);
        assertEquals(atLimit, FrameCodec.decode(buf, limits));

        Frame over = Frame.request(RequestCode.SEND, 1, null, new byte[101]);
        ByteBuf out = Unpooled.buffer();
        out.writeByte(77); // earlier content must survive a refused encode
        ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.encode(over, out, limits));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.errorCode());
        assertEquals("frame of 115 bytes exceeds maxFrameSize 114", e.getMessage());
        assertEquals(1, out.readableBytes());
        assertEquals(77, out.getByte(0));

        FrameCodec.encode(over, out); // without limits it encodes...
        out.skipBytes(1);
        ProtocolException d = assertThrows(ProtocolException.class, () -> FrameCodec.decode(out, limits));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, d.errorCode()); // ...and the receiver refuses it
    }

    @Test
    void encodeRefusesTooManyAndTooLargeHeaders() {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            headers.put("k" + i, "v");
        }
        Frame frame = Frame.request(RequestCode.SEND, 1, headers, null);
        ProtocolException count = assertThrows(ProtocolException.class,
                () -> FrameCodec.encode(frame, Unpooled.buffer(), FrameLimits.DEFAULT.withMaxHeaderCount(2)));
        assertEquals(ErrorCode.TOO_MANY_HEADERS, count.errorCode());
        assertEquals("header count 3 exceeds maxHeaderCount 2", count.getMessage());

        // each entry: 2 + 2 (key) + 4 + 1 (value) = 9 bytes, 27 in all
        ProtocolException bytes = assertThrows(ProtocolException.class,
                () -> FrameCodec.encode(frame, Unpooled.buffer(), FrameLimits.DEFAULT.withMaxHeaderBytes(26)));
        assertEquals(ErrorCode.HEADERS_TOO_LARGE, bytes.errorCode());
        assertTrue(bytes.getMessage().contains("maxHeaderBytes 26"), bytes.getMessage());
        FrameCodec.encode(frame, Unpooled.buffer(), FrameLimits.DEFAULT.withMaxHeaderBytes(27));
    }

    @Test
    void unrepresentableFramesAreRefusedOnEncode() {
        Frame longKey = Frame.request(RequestCode.SEND, 1, Map.of("x".repeat(65536), "v"), null);
        ByteBuf out = Unpooled.buffer();
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(longKey, out));
        assertEquals(0, out.writerIndex());
        Frame surrogate = Frame.request(RequestCode.SEND, 1, Map.of("k", "bad\uD800"), null);
        assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(surrogate, out));
        assertEquals(0, out.writerIndex());
    }

    @Test
    void headersAreImmutableAndNullsRefused() {
        Frame frame = Frame.request(RequestCode.SEND, 1, Map.of("a", "b"), null);
        assertThrows(UnsupportedOperationException.class, () -> frame.headers().put("c", "d"));
        Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        assertThrows(IllegalArgumentException.class, () -> Frame.request(RequestCode.SEND, 1, withNull, null));
    }

    @Test
    void everyPrefixOfValidFramesIsIncompleteNeverAnError() {
        Random random = new Random(7);
        for (int round = 0; round < 20; round++) {
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < random.nextInt(5); i++) {
                headers.put("h" + i, "v".repeat(random.nextInt(10)));
            }
            byte[] body = new byte[random.nextInt(50)];
            random.nextBytes(body);
            Frame frame = Frame.request(RequestCode.SEND, random.nextLong(), headers, body);
            byte[] bytes = encode(frame);
            for (int n = 0; n < bytes.length; n++) {
                assertNull(FrameCodec.decode(Unpooled.wrappedBuffer(bytes, 0, n), FrameLimits.DEFAULT));
            }
            assertEquals(frame, FrameCodec.decode(Unpooled.wrappedBuffer(bytes), FrameLimits.DEFAULT));
        }
    }

    /** A body written at encoding (a PULL answer's) goes on the wire byte for byte as the same body in an array. */
    @Test
    void aWrittenBodyIsEncodedAsTheSameBodyInAnArrayWould() {
        byte[] bytes = new byte[3000];
        new Random(7).nextBytes(bytes);
        FrameBody written = new FrameBody() {
            @Override
            public int length() {
                return bytes.length;
            }

            @Override
            public void writeTo(ByteBuf out) {
                out.writeBytes(bytes, 0, 1000);           // in pieces, as the deliveries of an answer are
                out.writeBytes(bytes, 1000, bytes.length - 1000);
            }
        };
        Frame request = Frame.request(RequestCode.PULL, 41, Map.of("consumerId", "3"), null);
        Frame asArray = Frame.responseTo(request, Map.of("k", "v"), bytes.clone());
        Frame asWritten = Frame.writtenResponseTo(request, Map.of("k", "v"), written);

        assertArrayEquals(encode(asArray), encode(asWritten));
        assertEquals(bytes.length, asWritten.bodyLength());
        assertArrayEquals(bytes, asWritten.body(), "put in an array when asked (the in-VM transport)");
        assertEquals(asArray, asWritten);
        assertEquals(asArray, roundTrip(asWritten));

        // Netty's outbound path: FrameEncoder sizes its (pooled, direct) buffer from bodyLength and writes the body.
        io.netty.channel.embedded.EmbeddedChannel channel = new io.netty.channel.embedded.EmbeddedChannel(
                new FrameEncoder());
        channel.writeOutbound(asWritten);
        ByteBuf out = channel.readOutbound();
        try {
            assertArrayEquals(encode(asArray), ByteBufUtil.getBytes(out));
        } finally {
            out.release();
            channel.finishAndReleaseAll();
        }
    }
}
