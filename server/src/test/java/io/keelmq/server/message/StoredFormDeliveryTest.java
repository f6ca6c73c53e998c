package io.keelmq.server.message;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.store.StoredMessage;
import org.junit.jupiter.api.Test;

/**
 * A stored message as delivered: the bytes the broker hands a consumer are the client's message with JMSRedelivered
 * and JMSXDeliveryCount set and no broker-private property, whether they are made from the stored bytes directly
 * (a message stored as sent) or encoded from the decoded message (one with private properties).
 */
class StoredFormDeliveryTest {

    private static WireMessage sent(BodyType type, byte[] body) {
        WireMessage m = new WireMessage();
        m.setMessageId("ID:keel-1");
        m.setTimestamp(1_700_000_000_000L);
        m.setDestination(DestinationRef.queue("orders"));
        m.setPriority(7);
        m.setProperty("region", "eu");
        m.setProperty("amount", 42L);
        m.setBody(type, body);
        return m;
    }

    private static StoredMessage stored(WireMessage sent, String senderConnectionId) {
        byte[] body = sent.getBody();
        byte[] properties = StoredForm.encodeProperties(sent, senderConnectionId);
        return new StoredMessage(0, 0, "orders", 0, 5, 0, 0, 0, 0, null, "ID:keel-1", "", properties,
                body == null ? new byte[0] : body);
    }

    /** What a consumer must receive: the sent message, the two delivery fields set. */
    private static WireMessage expected(BodyType type, byte[] body, int deliveryCount) {
        WireMessage m = sent(type, body);
        m.setDeliveryCount(deliveryCount);
        m.setRedelivered(deliveryCount > 1);
        return m;
    }

    @Test
    void aQueueMessageIsDeliveredFromItsStoredBytesAsTheClientSentIt() {
        byte[] body = {1, 2, 3, 4};
        for (int count : new int[] {1, 3}) {
            DecodedMessage decoded = StoredForm.decode(stored(sent(BodyType.BYTES, body), null));
            byte[] delivered = decoded.encodeForDelivery(count).toArray();
            assertArrayEquals(WireMessageCodec.encode(expected(BodyType.BYTES, body, count)), delivered);
            assertEquals(expected(BodyType.BYTES, body, count), WireMessageCodec.decode(delivered));
        }
    }

    @Test
    void aTopicMessageLosesItsSendersConnectionIdOnDelivery() {
        byte[] body = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        DecodedMessage decoded = StoredForm.decode(stored(sent(BodyType.TEXT, body), "conn-7"));
        assertEquals("conn-7", decoded.senderConnectionId());
        WireMessage delivered = WireMessageCodec.decode(decoded.encodeForDelivery(2).toArray());
        assertFalse(delivered.hasProperty(StoredForm.CONNECTION_ID));
        assertEquals(expected(BodyType.TEXT, body, 2), delivered);
    }

    @Test
    void aNullBodyStaysNullAndAnEmptyBodyEmpty() {
        WireMessage nullText = sent(BodyType.TEXT, null);
        WireMessage delivered = WireMessageCodec.decode(
                StoredForm.decode(stored(nullText, null)).encodeForDelivery(1).toArray());
        assertNull(delivered.getBody());
        assertFalse(delivered.hasProperty(StoredForm.NULL_BODY));
        WireMessage emptyBytes = sent(BodyType.BYTES, new byte[0]);
        delivered = WireMessageCodec.decode(StoredForm.decode(stored(emptyBytes, null)).encodeForDelivery(1).toArray());
        assertArrayEquals(new byte[0], delivered.getBody());
        WireMessage none = sent(BodyType.NONE, null);
        delivered = WireMessageCodec.decode(StoredForm.decode(stored(none, null)).encodeForDelivery(4).toArray());
        assertEquals(BodyType.NONE, delivered.getBodyType());
        assertEquals(4, delivered.getDeliveryCount());
        assertTrue(delivered.isRedelivered());
    }
}
