package io.keelmq.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Decoding hostile or broken input with FrameCodec directly. */
class FrameRejectionTest {

    /** The fixed part of a frame after the length field. */
    private static ByteBuf fixedHeader(ByteBuf b, int version, int flags, int headerCount) {
        b.writeByte(version);
        b.writeShort(RequestCode.SEND.code());
        b.writeLong(1);
        b.writeByte(flags);
        b.writeShort(headerCount);
        return b;
    }

    private static ProtocolException reject(ByteBuf in, FrameLimits limits) {
        return assertThrows(ProtocolException.class, () -> FrameCodec.decode(in, limits));
    }

    @Test
    void oversizeLengthIsRefusedFromTheLengthFieldAlone() {
        ByteBuf in = Unpooled.buffer().writeInt(20 * 1024 * 1024);
        ProtocolException e = reject(in, FrameLimits.DEFAULT.withMaxFrameSize(16 * 1024 * 1024));
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.errorCode());
        assertEquals("frame of 20971520 bytes exceeds maxFrameSize 16777216", e.getMessage());
    }

    @Test
    void lengthOverDefaultLimitIsRefused() {
        ByteBuf in = Unpooled.buffer().writeInt(FrameLimits.DEFAULT_MAX_FRAME_SIZE + 1);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, e.errorCode());
        assertTrue(e.getMessage().contains("maxFrameSize " + FrameLimits.DEFAULT_MAX_FRAME_SIZE), e.getMessage());
    }

    @Test
    void negativeLengthIsRefused() {
        ProtocolException e = reject(Unpooled.buffer().writeInt(-5), FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("negative frame length -5", e.getMessage());
        ProtocolException min = reject(Unpooled.buffer().writeInt(Integer.MIN_VALUE), FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, min.errorCode());
    }

    @Test
    void lengthShorterThanFixedHeaderIsRefused() {
        ProtocolException e = reject(Unpooled.buffer().writeInt(13), FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("frame length 13 is below the fixed header size 14", e.getMessage());
    }

    @Test
    void unknownVersionIsRefusedFromItsByteAlone() {
        ByteBuf in = Unpooled.buffer().writeInt(100).writeByte(2);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.errorCode());
        assertEquals("protocol version 2 is not supported (supported version: 1)", e.getMessage());
    }

    @Test
    void headerCountOverLimitIsRefusedBeforeTheHeadersArrive() {
        ByteBuf in = fixedHeader(Unpooled.buffer().writeInt(1000), 1, 0, 65);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.TOO_MANY_HEADERS, e.errorCode());
        assertEquals("header count 65 exceeds maxHeaderCount 64", e.getMessage());

        // the count is unsigned: 0xFFFF is 65535 headers, not -1
        ProtocolException max = reject(fixedHeader(Unpooled.buffer().writeInt(1000), 1, 0, 0xFFFF),
                FrameLimits.DEFAULT);
        assertEquals("header count 65535 exceeds maxHeaderCount 64", max.getMessage());
    }

    @Test
    void truncatedHeaderIsRefused() {
        // header count 2, but the frame ends inside the second header's key
        ByteBuf in = Unpooled.buffer().writeInt(0);
        fixedHeader(in, 1, 0, 2);
        in.writeShort(1).writeByte('a').writeInt(1).writeByte('b');
        in.writeShort(10).writeBytes("abc".getBytes(StandardCharsets.US_ASCII));
        in.setInt(0, in.readableBytes() - 4);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("truncated frame: header key needs 10 bytes but only 3 remain", e.getMessage());
    }

    @Test
    void headerValueLengthBeyondFrameIsRefused() {
        ByteBuf in = Unpooled.buffer().writeInt(0);
        fixedHeader(in, 1, 0, 1);
        in.writeShort(1).writeByte('a').writeInt(Integer.MAX_VALUE).writeByte('b');
        in.setInt(0, in.readableBytes() - 4);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        // the declared value length alone exceeds maxHeaderBytes, checked before reading it
        assertEquals(ErrorCode.HEADERS_TOO_LARGE, e.errorCode());
        assertTrue(e.getMessage().endsWith("exceed maxHeaderBytes 65536"), e.getMessage());

        ByteBuf beyond = Unpooled.buffer().writeInt(0);
        fixedHeader(beyond, 1, 0, 1);
        beyond.writeShort(1).writeByte('a').writeInt(100).writeByte('b');
        beyond.setInt(0, beyond.readableBytes() - 4);
        ProtocolException b = reject(beyond, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, b.errorCode());
        assertEquals("truncated frame: header value needs 100 bytes but only 1 remain", b.getMessage());

        ByteBuf negative = Unpooled.buffer().writeInt(0);
        fixedHeader(negative, 1, 0, 1);
        negative.writeShort(1).writeByte('a').writeInt(-1);
        negative.setInt(0, negative.readableBytes() - 4);
        ProtocolException n = reject(negative, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, n.errorCode());
        assertEquals("malformed frame: header 'a' has negative value length -1", n.getMessage());
    }

    @Test
    void duplicateHeaderIsRefused() {
        ByteBuf in = Unpooled.buffer().writeInt(0);
        fixedHeader(in, 1, 0, 2);
        for (int i = 0; i < 2; i++) {
            in.writeShort(1).writeByte('a').writeInt(1).writeByte('0' + i);
        }
        in.setInt(0, in.readableBytes() - 4);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("malformed frame: duplicate header 'a'", e.getMessage());
    }

    @Test
    void invalidUtf8InHeaderIsRefused() {
        ByteBuf in = Unpooled.buffer().writeInt(0);
        fixedHeader(in, 1, 0, 1);
        in.writeShort(2).writeByte(0xC3).writeByte(0x28).writeInt(0);
        in.setInt(0, in.readableBytes() - 4);
        ProtocolException e = reject(in, FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        assertEquals("frame header key is not valid UTF-8", e.getMessage());
    }

    @Test
    void reservedOrContradictoryFlagsAreRefused() {
        ProtocolException reserved = reject(fixedHeader(Unpooled.buffer().writeInt(14), 1, 0x80, 0),
                FrameLimits.DEFAULT);
        assertEquals(ErrorCode.MALFORMED_FRAME, reserved.errorCode());
        assertEquals("malformed frame: flags 0x80 set reserved bits (known: 0x07)", reserved.getMessage());
        ProtocolException both = reject(fixedHeader(Unpooled.buffer().writeInt(14), 1,
                FrameFlags.RESPONSE | FrameFlags.ONEWAY, 0), FrameLimits.DEFAULT);
        assertEquals("malformed frame: flags set both RESPONSE and ONEWAY", both.getMessage());
    }

    @Test
    void headerBytesOverLimitAreRefused() {
        ByteBuf in = Unpooled.buffer().writeInt(0);
        fixedHeader(in, 1, 0, 1);
        in.writeShort(3).writeBytes("key".getBytes(StandardCharsets.US_ASCII)).writeInt(20).writeZero(20);
        in.setInt(0, in.readableBytes() - 4);
        ProtocolException e = reject(in, FrameLimits.DEFAULT.withMaxHeaderBytes(20));
        assertEquals(ErrorCode.HEADERS_TOO_LARGE, e.errorCode());
        assertEquals("headers of at least 29 bytes exceed maxHeaderBytes 20", e.getMessage());
    }

    @Test
    void findInUnwrapsCauseChains() {
        ProtocolException cause = new ProtocolException(ErrorCode.BUSY, "busy");
        assertEquals(cause, ProtocolException.findIn(new RuntimeException(new IllegalStateException(cause))));
        assertEquals(null, ProtocolException.findIn(new RuntimeException("plain")));
    }
}
