package io.keelmq.protocol.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameDecoder;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.TypedValues;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.protocol.selector.SelectorParseException;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Issue 7, hostile input: fuzz tests for the frame decoder, the message decoder and the
 * selector parser. The property: only the documented exception comes out (never another
 * exception, never an OutOfMemoryError), a length field never makes the decoder allocate
 * more than the frame limit allows, and whatever decodes re-encodes to an equal value.
 *
 * <p>The normal test run replays the seed corpus in
 * {@code src/test/resources/io/keelmq/protocol/fuzz/HostileInputFuzzTestInputs/<method>/};
 * see protocol/README.md for the fuzzing run.
 */
class HostileInputFuzzTest {

    /** Small limits, so that the fuzzer reaches every limit with short inputs. */
    static final FrameLimits SMALL = new FrameLimits(256, 4, 64);
    static final int MAX_CHUNK = 64;

    /**
     * Input: one mode byte, then a byte stream. Mode bit 0 picks the limits (default or
     * {@link #SMALL}); the remaining bits the chunk size in which the stream reaches the channel.
     */
    @FuzzTest(maxDuration = "5m")
    void frameDecoder(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = input[0] & 0xFF;
        FrameLimits limits = (mode & 1) == 0 ? FrameLimits.DEFAULT : SMALL;
        int chunk = 1 + (mode >>> 1) % MAX_CHUNK;
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);

        List<Frame> direct = decodeDirect(stream, limits);
        List<Frame> viaChannel = decodeThroughChannel(stream, limits, chunk);
        // Chunking must not change what the stream means.
        assertEquals(direct, viaChannel);
    }

    /** FrameCodec.decode on the whole stream: frames until the first violation or the end. */
    private static List<Frame> decodeDirect(byte[] stream, FrameLimits limits) {
        List<Frame> frames = new ArrayList<>();
        ByteBuf in = Unpooled.wrappedBuffer(stream);
        try {
            Frame frame;
            while ((frame = FrameCodec.decode(in, limits)) != null) {
                frames.add(frame);
                assertFrameRoundTrip(frame, limits);
            }
        } catch (ProtocolException expected) {
            // the only exception a hostile stream may cause
        }
        return frames;
    }

    private static void assertFrameRoundTrip(Frame frame, FrameLimits limits) {
        ByteBuf out = Unpooled.buffer();
        FrameCodec.encode(frame, out, limits);
        Frame again = FrameCodec.decode(out, limits);
        assertEquals(frame, again);
        assertFalse(out.isReadable(), "the re-encoded frame left bytes over");
    }

    /** FrameDecoder in a channel, fed in chunks, with every allocation recorded. */
    private static List<Frame> decodeThroughChannel(byte[] stream, FrameLimits limits, int chunk) {
        TrackingAllocator allocator = new TrackingAllocator();
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(allocator);
        FrameDecoder decoder = new FrameDecoder(limits);
        channel.pipeline().addLast(decoder);
        List<Frame> frames = new ArrayList<>();
        boolean failed = false;
        for (int offset = 0; offset < stream.length; offset += chunk) {
            int end = Math.min(stream.length, offset + chunk);
            try {
                // after a violation, input is discarded silently
                channel.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, offset, end)));
            } catch (DecoderException e) {
                assertFalse(failed, "a second violation was reported after the first");
                assertNotNull(ProtocolException.findIn(e), () -> "not a ProtocolException: " + e);
                failed = true;
            }
            Object frame;
            while ((frame = channel.readInbound()) != null) {
                frames.add((Frame) frame);
            }
        }
        assertEquals(failed, decoder.isFailed());
        channel.finishAndReleaseAll();
        // Netty only ever holds one incomplete frame plus the chunk just received, and rounds a
        // buffer up to a power of two (at least 64); the bytes already decoded it may keep until
        // they fill half the buffer. So no length field can push any buffer past this.
        long bound = Math.max(64, 4L * (Math.min(stream.length, limits.maxFrameSize() + 4L) + chunk));
        assertTrue(allocator.largest <= bound, () -> "allocated " + allocator.largest + " bytes, bound " + bound
                + " (maxFrameSize " + limits.maxFrameSize() + ", input " + stream.length + ")");
        return frames;
    }

    /** A message, or a batch of messages, from arbitrary bytes. */
    @FuzzTest(maxDuration = "5m")
    void messageDecoder(byte[] input) {
        WireMessage single = null;
        try {
            single = WireMessageCodec.decode(input);
            assertMessageRoundTrip(single);
        } catch (ProtocolException expected) {
            // refused
        }
        // The same bytes as a batch: messages back to back until the first refusal.
        ByteBuf batch = Unpooled.wrappedBuffer(input);
        List<WireMessage> messages = new ArrayList<>();
        while (batch.isReadable()) {
            int before = batch.readerIndex();
            try {
                WireMessage m = WireMessageCodec.decode(batch);
                assertTrue(batch.readerIndex() > before, "decoded a message from no bytes");
                assertMessageRoundTrip(m);
                messages.add(m);
            } catch (ProtocolException expected) {
                assertEquals(before, batch.readerIndex(), "a refused message moved the reader index");
                break;
            }
        }
        if (single != null) {
            assertEquals(1, messages.size());
            assertEquals(single, messages.get(0));
            assertFalse(batch.isReadable());
        }
    }

    private static void assertMessageRoundTrip(WireMessage m) {
        byte[] encoded = WireMessageCodec.encode(m);
        assertEquals(m, WireMessageCodec.decode(encoded));
        // A MAP or STREAM body the encoder produced is decoded, never mind whether it is valid.
        if (m.getBodyType() == BodyType.MAP) {
            decodeMapChecked(m.getBody());
        } else if (m.getBodyType() == BodyType.STREAM) {
            decodeStreamChecked(m.getBody());
        }
    }

    /** MAP and STREAM bodies from arbitrary bytes. */
    @FuzzTest(maxDuration = "5m")
    void typedValues(byte[] input) {
        decodeMapChecked(input);
        decodeStreamChecked(input);
    }

    private static void decodeMapChecked(byte[] body) {
        Map<String, Object> map;
        try {
            map = TypedValues.decodeMap(body);
        } catch (ProtocolException expected) {
            return;
        }
        Map<String, Object> again = TypedValues.decodeMap(TypedValues.encodeMap(map));
        assertEquals(map.keySet().stream().toList(), again.keySet().stream().toList());
        for (String key : map.keySet()) {
            assertValueEquals(map.get(key), again.get(key));
        }
    }

    private static void decodeStreamChecked(byte[] body) {
        List<Object> values;
        try {
            values = TypedValues.decodeStream(body);
        } catch (ProtocolException expected) {
            return;
        }
        List<Object> again = TypedValues.decodeStream(TypedValues.encodeStream(values));
        assertEquals(values.size(), again.size());
        Iterator<Object> it = again.iterator();
        for (Object value : values) {
            assertValueEquals(value, it.next());
        }
    }

    private static void assertValueEquals(Object expected, Object actual) {
        if (expected instanceof byte[] bytes) {
            assertArrayEquals(bytes, (byte[]) actual);
        } else {
            // Float/Double.equals compare bits, so NaN equals NaN here.
            assertTrue(Objects.equals(expected, actual), () -> expected + " != " + actual);
        }
    }

    /** A selector from arbitrary UTF-8. */
    @FuzzTest(maxDuration = "5m")
    void selectorParser(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Selector selector;
        try {
            selector = Selector.parse(text);
        } catch (SelectorParseException expected) {
            return;
        }
        assertNotNull(selector);
        try {
            assertEquals(selector, Selector.parse(selector.text()));
        } catch (SelectorParseException e) {
            fail("a selector's own text no longer parses: " + e);
        }
    }

    /** Records the largest byte array any buffer from this allocator allocates, growth included. */
    static final class TrackingAllocator extends AbstractByteBufAllocator {
        volatile int largest;

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity) {
                @Override
                protected byte[] allocateArray(int initialCapacity) {
                    largest = Math.max(largest, initialCapacity);
                    return super.allocateArray(initialCapacity);
                }
            };
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
}
