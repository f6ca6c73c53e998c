package io.keelmq.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Decoding broken message bytes must fail with ProtocolException and nothing else. */
class MalformedMessageTest {

    /** Decodes, accepting success or ProtocolException; anything else fails the test. */
    private static void decodeOrProtocolException(Function<byte[], ?> decoder, byte[] bytes, String what) {
        try {
            decoder.apply(bytes);
        } catch (ProtocolException e) {
            assertTrue(e.errorCode() == ErrorCode.MALFORMED_FRAME || e.errorCode() == ErrorCode.UNSUPPORTED_VERSION,
                    what + ": " + e);
        } catch (RuntimeException | Error e) {
            fail(what + " threw " + e, e);
        }
    }

    private static ProtocolException malformed(byte[] bytes) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> WireMessageCodec.decode(bytes));
        assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
        return e;
    }

    @Test
    void everyProperPrefixIsRejectedWithProtocolException() {
        for (BodyType type : BodyType.values()) {
            byte[] full = WireMessageCodec.encode(
                    Messages.full(type, type == BodyType.NONE ? null : Messages.randomBytes(40, type.ordinal())));
            for (int n = 0; n < full.length; n++) {
                ProtocolException e = malformed(Arrays.copyOf(full, n));
                assertTrue(e.getMessage().startsWith("truncated message: "), e.getMessage());
            }
            WireMessageCodec.decode(full);
        }
    }

    @Test
    void prefixesOfABufferLeaveItsReaderIndexAlone() {
        byte[] full = WireMessageCodec.encode(Messages.full(BodyType.BYTES, new byte[8]));
        for (int n = 0; n < full.length; n++) {
            ByteBuf buf = Unpooled.wrappedBuffer(full, 0, n);
            assertThrows(ProtocolException.class, () -> WireMessageCodec.decode(buf));
            assertEquals(0, buf.readerIndex());
        }
    }

    @Test
    void randomCorruptionNeverEscapesAsAnotherException() {
        byte[] valid = WireMessageCodec.encode(Messages.full(BodyType.MAP,
                TypedValues.encodeMap(Map.of("k", new byte[] {1, 2}, "c", 'z'))));
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = valid.clone();
            int flips = 1 + random.nextInt(4);
            for (int i = 0; i < flips; i++) {
                int pos = random.nextInt(bytes.length);
                bytes[pos] = random.nextInt(3) == 0 ? (byte) 0xFF : (byte) random.nextInt(256);
            }
            decodeOrProtocolException(WireMessageCodec::decode, bytes, "round " + round);
        }
    }

    @Test
    void hostileLengthsAreCheckedBeforeAllocation() {
        // format version, then a message id claiming Integer.MAX_VALUE bytes
        byte[] bytes = Unpooled.buffer().writeByte(1).writeInt(Integer.MAX_VALUE).writeByte('x').array();
        ProtocolException e = malformed(Arrays.copyOf(bytes, 6));
        assertEquals("truncated message: message id needs 2147483647 bytes but only 1 remain", e.getMessage());

        byte[] negative = Arrays.copyOf(Unpooled.buffer().writeByte(1).writeInt(-7).array(), 5);
        assertEquals("malformed message: message id has negative length -7", malformed(negative).getMessage());
    }

    @Test
    void invalidFieldValuesAreMalformed() {
        byte[] valid = WireMessageCodec.encode(new WireMessage());
        // Layout of a default message: version(1) messageId(4) timestamp(8) correlationKind(1)
        // destination(1) replyTo(1) deliveryMode(1) redelivered(1) type(4) expiration(8) priority(1) ...
        assertEquals("malformed message: unknown correlation id kind 3", malformed(with(valid, 13, 3)).getMessage());
        assertEquals("malformed message: unknown destination kind code 9", malformed(with(valid, 14, 9)).getMessage());
        assertEquals("malformed message: delivery mode must be 1 (NON_PERSISTENT) or 2 (PERSISTENT), not 0",
                malformed(with(valid, 16, 0)).getMessage());
        assertEquals("malformed message: redelivered must be 0 or 1 but is 2", malformed(with(valid, 17, 2)).getMessage());
        assertEquals("malformed message: priority must be 0 to 9, not 10", malformed(with(valid, 30, 10)).getMessage());
    }

    @Test
    void unknownFormatVersionIsUnsupported() {
        byte[] bytes = WireMessageCodec.encode(new WireMessage());
        bytes[0] = 2;
        ProtocolException e = assertThrows(ProtocolException.class, () -> WireMessageCodec.decode(bytes));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.errorCode());
        assertEquals("message format version 2 is not supported (supported version: 1)", e.getMessage());
    }

    @Test
    void trailingBytesAreMalformed() {
        byte[] valid = WireMessageCodec.encode(new WireMessage());
        byte[] longer = Arrays.copyOf(valid, valid.length + 2);
        assertEquals("malformed message: 2 unexpected bytes after the end", malformed(longer).getMessage());
    }

    @Test
    void nonPropertyTypeTagInPropertiesIsMalformed() {
        WireMessage m = new WireMessage();
        m.setProperty("p", 1);
        byte[] bytes = WireMessageCodec.encode(m);
        // the INT tag sits right after the property name "p": find it from the end
        // (tag 1 + int 4 + body type 1 + body length 4 = 10 bytes from the end)
        int tagPos = bytes.length - 10;
        assertEquals(ValueType.INT.tag(), bytes[tagPos]);
        assertEquals("malformed message: a property cannot have type BYTES",
                malformed(with(bytes, tagPos, ValueType.BYTES.tag())).getMessage());
        assertEquals("malformed message: unknown value tag 99", malformed(with(bytes, tagPos, 99)).getMessage());
    }

    @Test
    void typedValueBodiesSurviveCorruptionAndTruncation() {
        byte[] map = TypedValues.encodeMap(Map.of("a", 1, "b", "two", "c", new byte[] {3}, "d", 'd'));
        byte[] stream = TypedValues.encodeStream(List.of(1L, 2.5f, "x", new byte[0], 'q', false));
        for (byte[] valid : List.of(map, stream)) {
            Function<byte[], ?> decoder = valid == map ? TypedValues::decodeMap : TypedValues::decodeStream;
            for (int n = 0; n < valid.length; n++) {
                byte[] prefix = Arrays.copyOf(valid, n);
                ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.apply(prefix));
                assertEquals(ErrorCode.MALFORMED_FRAME, e.errorCode());
            }
            Random random = new Random(valid.length);
            for (int round = 0; round < 5_000; round++) {
                byte[] bytes = valid.clone();
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                decodeOrProtocolException(decoder, bytes, "round " + round);
            }
        }
    }

    private static byte[] with(byte[] bytes, int pos, int value) {
        byte[] copy = bytes.clone();
        copy[pos] = (byte) value;
        return copy;
    }
}
