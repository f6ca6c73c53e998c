package io.keelmq.protocol.message;

import java.util.Random;

/** Test fixtures: messages with every field set. */
final class Messages {
    private Messages() {
    }

    /** A message using every header field, every property type and the given body. */
    static WireMessage full(BodyType bodyType, byte[] body) {
        WireMessage m = new WireMessage();
        m.setMessageId("ID:keel-\uD83D\uDE00-1");
        m.setTimestamp(1_700_000_000_123L);
        m.setCorrelationId("corr-\u00e9");
        m.setDestination(new DestinationRef(DestinationRef.Kind.QUEUE, "orders"));
        m.setReplyTo(new DestinationRef(DestinationRef.Kind.TEMPORARY_TOPIC, "tmp://\u4e2d/1"));
        m.setDeliveryMode(WireMessage.NON_PERSISTENT);
        m.setRedelivered(true);
        m.setType("order.created");
        m.setExpiration(Long.MAX_VALUE);
        m.setPriority(9);
        m.setDeliveryTime(Long.MIN_VALUE);
        m.setDeliveryCount(Integer.MAX_VALUE);
        m.setProperty("bool", Boolean.TRUE);
        m.setProperty("byte", Byte.MIN_VALUE);
        m.setProperty("short", Short.MAX_VALUE);
        m.setProperty("int", -1);
        m.setProperty("long", Long.MIN_VALUE);
        m.setProperty("float", Float.NaN);
        m.setProperty("double", Double.NEGATIVE_INFINITY);
        m.setProperty("string", "\uD83D\uDE80 rocket");
        m.setProperty("empty", "");
        m.setProperty("null", null);
        m.setBody(bodyType, body);
        return m;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
