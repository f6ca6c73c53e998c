package io.keelmq.protocol.fuzz;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.TypedValues;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the hand-made seed corpus of {@link HostileInputFuzzTest} (not a test). Run from
 * protocol/ after test-compile:
 * {@code java -cp target/classes:target/test-classes:<netty jars> io.keelmq.protocol.fuzz.SeedCorpusWriter}.
 */
final class SeedCorpusWriter {
    private static final Path ROOT =
            Path.of("src/test/resources/io/keelmq/protocol/fuzz/HostileInputFuzzTestInputs");

    public static void main(String[] args) throws IOException {
        // frameDecoder: mode byte (bit 0: small limits; rest: chunk size), then the stream.
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("sessionId", "7");
        headers.put("producerId", "9");
        byte[] send = frame(Frame.request(RequestCode.SEND, 42, headers, "hello".getBytes(StandardCharsets.UTF_8)));
        byte[] heartbeat = frame(Frame.oneway(RequestCode.HEARTBEAT, 0, Map.of(), null));
        byte[] response = frame(Frame.responseTo(Frame.request(RequestCode.PULL, 3, Map.of(), null),
                Map.of("status", "SEND_OK"), new byte[] {1, 2, 3}));
        write("frameDecoder", "send-default", cat(new byte[] {0}, send));
        write("frameDecoder", "send-small-chunk1", cat(new byte[] {1}, send));
        write("frameDecoder", "three-frames-chunk7", cat(new byte[] {13}, send, heartbeat, response));
        write("frameDecoder", "frames-then-garbage", cat(new byte[] {2}, heartbeat, send, new byte[] {0x7f, 1, 2, 3, 4, 5}));
        write("frameDecoder", "huge-length", cat(new byte[] {0}, new byte[] {0x40, 0, 0, 0, 1}));
        write("frameDecoder", "over-small-limit", cat(new byte[] {1}, new byte[] {0, 0, 1, 1, 1}));
        write("frameDecoder", "negative-length", cat(new byte[] {0}, new byte[] {(byte) 0xff, 0, 0, 0}));
        write("frameDecoder", "bad-version", cat(new byte[] {0}, new byte[] {0, 0, 0, 14, 9}));
        byte[] truncated = Arrays.copyOf(send, send.length - 3);
        write("frameDecoder", "truncated", cat(new byte[] {4}, truncated));

        // messageDecoder: one message, a batch, malformed ones.
        byte[] full = WireMessageCodec.encode(fullMessage());
        WireMessage minimal = new WireMessage();
        byte[] min = WireMessageCodec.encode(minimal);
        WireMessage map = new WireMessage();
        map.setDestination(DestinationRef.topic("t"));
        map.setBody(BodyType.MAP, TypedValues.encodeMap(sampleMap()));
        WireMessage stream = new WireMessage();
        stream.setCorrelationIdBytes(new byte[] {9, 8});
        stream.setBody(BodyType.STREAM, TypedValues.encodeStream(sampleStream()));
        write("messageDecoder", "full", full);
        write("messageDecoder", "minimal", min);
        write("messageDecoder", "map-body", WireMessageCodec.encode(map));
        write("messageDecoder", "stream-body", WireMessageCodec.encode(stream));
        write("messageDecoder", "batch", cat(full, min, WireMessageCodec.encode(map)));
        write("messageDecoder", "truncated", Arrays.copyOf(full, full.length / 2));
        byte[] badVersion = min.clone();
        badVersion[0] = 2;
        write("messageDecoder", "bad-version", badVersion);
        write("messageDecoder", "huge-id-length", new byte[] {1, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});

        // typedValues: map and stream bodies, malformed ones.
        byte[] mapBody = TypedValues.encodeMap(sampleMap());
        byte[] streamBody = TypedValues.encodeStream(sampleStream());
        write("typedValues", "map", mapBody);
        write("typedValues", "stream", streamBody);
        write("typedValues", "truncated-map", Arrays.copyOf(mapBody, mapBody.length - 2));
        write("typedValues", "huge-count", new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, 9});
        write("typedValues", "bad-tag", new byte[] {0, 0, 0, 1, 42});

        // selectorParser: valid and invalid selectors, as UTF-8.
        String[] selectors = {
            "JMSPriority > 4 AND color = 'red'",
            "price BETWEEN 10 AND 20.5 OR quantity NOT IN ('a', 'b')",
            "name LIKE 'a\\_%' ESCAPE '\\' AND x IS NOT NULL",
            "(a + b) * -c / 2.5E3 <> 7 OR NOT flag = TRUE",
            "JMSType = 'car' AND JMSDeliveryMode = 'PERSISTENT' AND 0x1F = 31",
            "color = 'unterminated",
            "a = = b",
            "((((((((((x))))))))))",
            "LIKE",
        };
        for (int i = 0; i < selectors.length; i++) {
            write("selectorParser", "selector-" + i, selectors[i].getBytes(StandardCharsets.UTF_8));
        }
    }

    private static WireMessage fullMessage() {
        WireMessage m = new WireMessage();
        m.setMessageId("ID:keel-\uD83D\uDE00-1");
        m.setTimestamp(1_700_000_000_123L);
        m.setCorrelationId("corr-\u00e9");
        m.setDestination(DestinationRef.queue("orders"));
        m.setReplyTo(new DestinationRef(DestinationRef.Kind.TEMPORARY_TOPIC, "tmp/1"));
        m.setDeliveryMode(WireMessage.NON_PERSISTENT);
        m.setRedelivered(true);
        m.setType("order.created");
        m.setExpiration(Long.MAX_VALUE);
        m.setPriority(9);
        m.setDeliveryTime(Long.MIN_VALUE);
        m.setDeliveryCount(3);
        m.setProperty("bool", Boolean.TRUE);
        m.setProperty("byte", Byte.MIN_VALUE);
        m.setProperty("short", Short.MAX_VALUE);
        m.setProperty("int", -1);
        m.setProperty("long", Long.MIN_VALUE);
        m.setProperty("float", Float.NaN);
        m.setProperty("double", Double.NEGATIVE_INFINITY);
        m.setProperty("string", "\uD83D\uDE80 rocket");
        m.setProperty("null", null);
        m.setBody(BodyType.TEXT, "text body".getBytes(StandardCharsets.UTF_8));
        return m;
    }

    private static Map<String, Object> sampleMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("s", "v");
        map.put("i", 1);
        map.put("b", new byte[] {1, 2});
        map.put("c", 'x');
        map.put("d", 2.5d);
        map.put("n", null);
        return map;
    }

    private static List<Object> sampleStream() {
        return Arrays.asList("s", 1L, (short) 2, (byte) 3, 4.5f, true, new byte[0], null, '\u00e9');
    }

    private static byte[] frame(Frame f) {
        ByteBuf out = Unpooled.buffer();
        FrameCodec.encode(f, out);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] cat(byte[]... parts) {
        ByteBuf out = Unpooled.buffer();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return ByteBufUtil.getBytes(out);
    }

    private static void write(String method, String name, byte[] bytes) throws IOException {
        Path dir = ROOT.resolve(method);
        Files.createDirectories(dir);
        Files.write(dir.resolve(name), bytes);
    }
}
