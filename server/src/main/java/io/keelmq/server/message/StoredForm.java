package io.keelmq.server.message;

import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.StoredHeaders;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.StoredMessage;

import java.util.Set;

/**
 * How a JMS message is kept in the store (protocol/README.md, "Sending"): the record's
 * properties are the {@link WireMessage} encoded with a null body (headers and properties,
 * all a selector needs, readable without the body), the record's body is the body bytes,
 * its id is JMSMessageID, its tag hash that of {@value #TAG}, its keys {@value #KEYS}.
 *
 * <p>Two broker-private properties are added and removed again before delivery, so clients
 * never see them: {@value #CONNECTION_ID} (the sending connection, for noLocal) on topic
 * messages, and {@value #NULL_BODY} when the body is null rather than empty, a difference
 * the store's byte-array body cannot express (a TextMessage with null text vs "").
 */
public final class StoredForm {
    public static final String TAG = "JMS_Keel_Tag";
    public static final String KEYS = "JMS_Keel_Keys";
    public static final String GROUP_ID = "JMSXGroupID";
    /** Set by the broker to the authenticated sender when {@code populateJMSXUserID=true}. */
    public static final String USER_ID = "JMSXUserID";
    /** Broker-private: the id of the connection that sent a topic message. */
    public static final String CONNECTION_ID = "JMS_Keel_ConnectionId";
    /** Broker-private: present (true) when the message's body is null though its type is not NONE. */
    public static final String NULL_BODY = "JMS_Keel_NullBody";
    /**
     * Broker-private, on a redelivery's retry copy: the key of the one subscription that may deliver it (the
     * copy is written to the whole destination's log; other subscriptions skip it).
     */
    public static final String RETRY_FOR = "JMS_Keel_RetryFor";
    /** Broker-private, on a retry copy: the deliveries the message had before it (its delivery count, stored). */
    public static final String PRIOR_DELIVERIES = "JMS_Keel_PriorDeliveries";

    /** The broker-private properties: a stored message that carries one is decoded whole. */
    private static final Set<String> PRIVATE = Set.of(CONNECTION_ID, NULL_BODY, RETRY_FOR, PRIOR_DELIVERIES);

    private StoredForm() {
    }

    /** The stored properties bytes: mutates {@code message} (drops its body, sets private properties). */
    public static byte[] encodeProperties(WireMessage message, String senderConnectionId) {
        byte[] body = message.getBody();
        message.removeProperty(CONNECTION_ID);
        message.removeProperty(NULL_BODY);
        if (senderConnectionId != null) {
            message.setProperty(CONNECTION_ID, senderConnectionId);
        }
        if (body == null && message.getBodyType() != BodyType.NONE) {
            message.setProperty(NULL_BODY, Boolean.TRUE);
        }
        message.setBody(message.getBodyType(), null);
        return WireMessageCodec.encode(message);
    }

    /** The record to append; {@code properties} comes from {@link #encodeProperties}. */
    public static MessageRecord toRecord(String storeDestination, int partition, WireMessage headers,
                                         byte[] properties, byte[] body, long now) {
        Object tag = headers.getProperty(TAG);
        Object keys = headers.getProperty(KEYS);
        return new MessageRecord(storeDestination, partition, MessageRecord.tagHash(tag == null ? null : tag.toString()),
                headers.getTimestamp() > 0 ? headers.getTimestamp() : now, 0, null, headers.getMessageId(),
                keys == null ? "" : keys.toString(), properties, body);
    }

    /**
     * The JMS message a stored record holds, body attached, private properties removed (and kept aside). A record
     * without private properties is only peeked at ({@link WireMessageCodec#peekStored}): its JMS form is decoded when
     * first asked for, which a claim without a selector never does.
     */
    public static DecodedMessage decode(StoredMessage stored) {
        StoredHeaders headers = WireMessageCodec.peekStored(stored.properties(), GROUP_ID, PRIVATE);
        if (!headers.anyOfPresent()) {
            return new DecodedMessage(stored, headers);
        }
        WireMessage message = WireMessageCodec.decode(stored.properties());
        Object connectionId = message.removeProperty(CONNECTION_ID);
        Object retryFor = message.removeProperty(RETRY_FOR);
        Object prior = message.removeProperty(PRIOR_DELIVERIES);
        boolean nullBodyMarked = attachBody(message, stored.body());
        // Without private properties the stored bytes are the client's encoding minus the body: a delivery can be
        // made of them and the body directly (see DecodedMessage.encodeForDelivery).
        boolean storedAsSent = connectionId == null && retryFor == null && prior == null && !nullBodyMarked;
        return new DecodedMessage(stored, message, connectionId instanceof String ? (String) connectionId : null,
                retryFor instanceof String ? (String) retryFor : null, prior instanceof Integer ? (Integer) prior : 0,
                storedAsSent);
    }

    /** The JMS message of stored {@code properties} and {@code body}, as a client would see it (a half's, for a check-back). */
    public static WireMessage toWire(byte[] properties, byte[] body) {
        WireMessage message = WireMessageCodec.decode(properties);
        message.removeProperty(CONNECTION_ID);
        message.removeProperty(RETRY_FOR);
        message.removeProperty(PRIOR_DELIVERIES);
        attachBody(message, body);
        return message;
    }

    /** @return whether the message carried {@value #NULL_BODY} */
    private static boolean attachBody(WireMessage message, byte[] body) {
        Object marker = message.removeProperty(NULL_BODY);
        boolean nullBody = Boolean.TRUE.equals(marker);
        if (message.getBodyType() != BodyType.NONE) {
            message.setBody(message.getBodyType(), nullBody ? null : body);
        }
        return marker != null;
    }
}
