package io.keelmq.protocol.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** FrameEncoder and FrameDecoder in a Netty pipeline. */
class FrameChannelTest {

    private static List<Frame> sampleFrames() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("destination", "orders");
        headers.put("z-last", "\uD83D\uDE80");
        byte[] body = new byte[3000];
        new Random(3).nextBytes(body);
        return List.of(
                Frame.request(RequestCode.HANDSHAKE, 1, Map.of("clientID", "c1"), null),
                Frame.request(RequestCode.SEND, 2, headers, body),
                Frame.oneway(RequestCode.HEARTBEAT, 3, null, null),
                Frame.errorResponse(Frame.request(RequestCode.PULL, 4, null, null), ErrorCode.BUSY, "later"));
    }

    /** Encodes through FrameEncoder and returns the bytes it wrote. */
    private static byte[] encodeThroughChannel(List<Frame> frames) {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder());
        for (Frame frame : frames) {
            assertTrue(channel.writeOutbound(frame));
        }
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf chunk; (chunk = channel.readOutbound()) != null; ) {
            all.writeBytes(chunk);
            chunk.release();
        }
        assertFalse(channel.finish());
        return ByteBufUtil.getBytes(all);
    }

    private static List<Frame> readAll(EmbeddedChannel channel) {
        List<Frame> frames = new ArrayList<>();
        for (Frame f; (f = channel.readInbound()) != null; ) {
            frames.add(f);
        }
        return frames;
    }

    private static void assertSameFrames(List<Frame> expected, List<Frame> actual) {
        assertEquals(expected, actual);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(new ArrayList<>(expected.get(i).headers().keySet()),
                    new ArrayList<>(actual.get(i).headers().keySet()), "header order of frame " + i);
        }
    }

    @Test
    void severalFramesInOneBuffer() {
        List<Frame> frames = sampleFrames();
        byte[] bytes = encodeThroughChannel(frames);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        assertTrue(channel.writeInbound(Unpooled.wrappedBuffer(bytes)));
        assertSameFrames(frames, readAll(channel));
        assertFalse(channel.finish());
    }

    @Test
    void framesSplitIntoOneByteChunks() {
        List<Frame> frames = sampleFrames();
        byte[] bytes = encodeThroughChannel(frames);
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        List<Frame> received = new ArrayList<>();
        for (byte b : bytes) {
            channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            received.addAll(readAll(channel));
        }
        assertSameFrames(frames, received);
        assertEquals(ErrorCode.BUSY, received.get(3).errorCode());
        assertEquals("later", received.get(3).errorMessage());
    }

    @Test
    void randomChunkBoundaries() {
        List<Frame> frames = sampleFrames();
        byte[] bytes = encodeThroughChannel(frames);
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
            for (int pos = 0; pos < bytes.length; ) {
                int n = Math.min(bytes.length - pos, 1 + random.nextInt(200));
                channel.writeInbound(Unpooled.wrappedBuffer(bytes, pos, n));
                pos += n;
            }
            assertSameFrames(frames, readAll(channel));
        }
    }

    @Test
    void fullDuplexEncoderAndDecoderPair() {
        EmbeddedChannel sender = new EmbeddedChannel(new FrameEncoder());
        EmbeddedChannel receiver = new EmbeddedChannel(new FrameDecoder(), new FrameEncoder());
        byte[] body = new byte[1024 * 1024];
        new Random(5).nextBytes(body);
        Frame frame = Frame.request(RequestCode.SEND_BATCH, 77, Map.of("n", "1"), body);
        sender.writeOutbound(frame);
        for (ByteBuf chunk; (chunk = sender.readOutbound()) != null; ) {
            receiver.writeInbound(chunk);
        }
        Frame received = receiver.readInbound();
        assertNotNull(received);
        assertArrayEquals(body, received.body());
        assertEquals(77, received.correlationId());
    }

    /** Records the largest buffer any handler asks for. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        final AtomicInteger largestRequest = new AtomicInteger();

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            largestRequest.accumulateAndGet(initialCapacity, Math::max);
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }
    }

    @Test
    void oversizeLengthIsRefusedBeforeTheBodyArrivesAndNothingLargeIsAllocated() {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        FrameDecoder decoder = new FrameDecoder();
        channel.pipeline().addLast(decoder);

        // The length field arrives in two pieces, then nothing else: a decoder that waited for
        // the announced 1 GiB, or reserved room for it, would not throw here.
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x40, 0x00}));
        assertFalse(decoder.isFailed());
        DecoderException e = assertThrows(DecoderException.class,
                () -> channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x00, 0x00})));
        ProtocolException cause = ProtocolException.findIn(e);
        assertNotNull(cause);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, cause.errorCode());
        assertEquals("frame of 1073741824 bytes exceeds maxFrameSize " + FrameLimits.DEFAULT_MAX_FRAME_SIZE,
                cause.getMessage());
        assertTrue(decoder.isFailed());
        // Cumulating the second chunk goes through the channel's allocator, so the bound is observed.
        assertTrue(allocator.largestRequest.get() > 0, "the allocator was never consulted");
        assertTrue(allocator.largestRequest.get() < 1024, "allocated " + allocator.largestRequest.get());
        assertNull(channel.readInbound());
    }

    @Test
    void decoderDiscardsEverythingAfterAViolation() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
        ByteBuf bad = Unpooled.buffer().writeInt(-1);
        DecoderException e = assertThrows(DecoderException.class, () -> channel.writeInbound(bad));
        assertEquals(ErrorCode.MALFORMED_FRAME, ProtocolException.findIn(e).errorCode());
        assertEquals("negative frame length -1", ProtocolException.findIn(e).getMessage());

        // A perfectly valid frame afterwards is not decoded: its position in the stream is unknown.
        byte[] valid = encodeThroughChannel(List.of(Frame.oneway(RequestCode.HEARTBEAT, 1, null, null)));
        channel.writeInbound(Unpooled.wrappedBuffer(valid));
        assertNull(channel.readInbound());
        channel.finish();
    }

    @Test
    void decoderRefusesUnknownVersionAndHeaderFlood() {
        EmbeddedChannel versions = new EmbeddedChannel(new FrameDecoder());
        DecoderException v = assertThrows(DecoderException.class,
                () -> versions.writeInbound(Unpooled.buffer().writeInt(30).writeByte(9)));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, ProtocolException.findIn(v).errorCode());

        EmbeddedChannel headers = new EmbeddedChannel(new FrameDecoder(FrameLimits.DEFAULT.withMaxHeaderCount(3)));
        ByteBuf flood = Unpooled.buffer().writeInt(5000).writeByte(1).writeShort(20).writeLong(1).writeByte(0)
                .writeShort(4);
        DecoderException h = assertThrows(DecoderException.class, () -> headers.writeInbound(flood));
        assertEquals(ErrorCode.TOO_MANY_HEADERS, ProtocolException.findIn(h).errorCode());
        assertEquals("header count 4 exceeds maxHeaderCount 3", ProtocolException.findIn(h).getMessage());
    }

    @Test
    void encoderRefusesFramesThePeerWouldRefuse() {
        EmbeddedChannel channel = new EmbeddedChannel(new FrameEncoder(FrameLimits.DEFAULT.withMaxFrameSize(100)));
        Frame big = Frame.request(RequestCode.SEND, 1, null, new byte[200]);
        EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound(big));
        ProtocolException cause = ProtocolException.findIn(e);
        assertEquals(ErrorCode.FRAME_TOO_LARGE, cause.errorCode());
        assertEquals("frame of 214 bytes exceeds maxFrameSize 100", cause.getMessage());
        assertNull(channel.readOutbound());
    }
}
