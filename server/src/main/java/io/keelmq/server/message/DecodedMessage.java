package io.keelmq.server.message;

import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DeliveryBytes;
import io.keelmq.protocol.message.StoredHeaders;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.store.StoredMessage;

/**
 * A stored message read back: the record, its JMS form and the connection that sent it.
 *
 * <p>A message stored as its client sent it (no broker-private property) is known first by its {@link StoredHeaders}
 * only, which is all a claim decides by without a selector (priority, expiry, delivery time, group); its JMS form is
 * decoded from the stored bytes the first time something asks for it ({@link #message()}, a selector). One with
 * broker-private properties is decoded whole at once (see {@link StoredForm#decode}).
 */
public final class DecodedMessage {
    private final StoredMessage stored;
    /** The stored message's header fields; null when it was decoded whole at once. */
    private final StoredHeaders headers;
    /** The JMS form: decoded at once, or on first use when {@link #headers} is known. */
    private volatile WireMessage message;
    private final String groupId;
    private final String senderConnectionId;
    private final String retryFor;
    private final int priorDeliveries;
    /** The stored properties bytes are the message's encoding without its body (no broker-private property). */
    private final boolean storedAsSent;

    /** A message decoded whole (it carries broker-private properties, removed from {@code message}). */
    DecodedMessage(StoredMessage stored, WireMessage message, String senderConnectionId, String retryFor,
                   int priorDeliveries, boolean storedAsSent) {
        this.stored = stored;
        this.headers = null;
        this.message = message;
        this.groupId = groupIdOf(message.getProperty(StoredForm.GROUP_ID));
        this.senderConnectionId = senderConnectionId;
        this.retryFor = retryFor;
        this.priorDeliveries = priorDeliveries;
        this.storedAsSent = storedAsSent;
    }

    /** A message stored as its client sent it, known by its header fields until its JMS form is asked for. */
    DecodedMessage(StoredMessage stored, StoredHeaders headers) {
        this.stored = stored;
        this.headers = headers;
        this.groupId = groupIdOf(headers.namedValue());
        this.senderConnectionId = null;
        this.retryFor = null;
        this.priorDeliveries = 0;
        this.storedAsSent = true;
    }

    private static String groupIdOf(Object value) {
        return value == null ? null : value.toString();
    }

    /** Whether the subscription {@code subscriptionKey} may deliver it: false for another's retry copy. */
    public boolean isFor(String subscriptionKey) {
        return retryFor == null || retryFor.equals(subscriptionKey);
    }

    /** Deliveries the stored message records it had before (a retry copy), else 0. */
    public int priorDeliveries() {
        return priorDeliveries;
    }

    public StoredMessage stored() {
        return stored;
    }

    /** The JMS form, body attached, broker-private properties removed; decoded on the first call if need be. */
    public WireMessage message() {
        WireMessage decoded = message;
        if (decoded == null) {
            decoded = StoredForm.toWire(stored.properties(), stored.body());
            message = decoded;
        }
        return decoded;
    }

    /** JMSPriority. */
    public int priority() {
        return headers != null ? headers.priority() : message.getPriority();
    }

    /** JMSDeliveryTime as the sender stamped it. */
    public long deliveryTime() {
        return headers != null ? headers.deliveryTime() : message.getDeliveryTime();
    }

    /** JMSXGroupID, or null. */
    public String groupId() {
        return groupId;
    }

    private long expiration() {
        return headers != null ? headers.expiration() : message.getExpiration();
    }

    private long timestamp() {
        return headers != null ? headers.timestamp() : message.getTimestamp();
    }

    /** Connection that sent it (topics only), or null. */
    public String senderConnectionId() {
        return senderConnectionId;
    }

    /** JMSExpiration passed: such a message is never delivered. */
    public boolean isExpired(long now) {
        long expiration = expiration();
        return expiration != 0 && expiration < now;
    }

    /**
     * JMSDeliveryTime, when the sender asked for a delivery delay and it is still in the future
     * by the broker's clock; else 0. Clients stamp JMSDeliveryTime on every message (send time +
     * delay, by their own clock), so a delay was asked for only when it is later than
     * JMSTimestamp: without that check a client clock ahead of the broker's would hold back
     * every message it sends. With timestamps disabled (JMSTimestamp 0) the delivery time is
     * all there is, and it is compared with the broker's clock.
     */
    public long deliverNotBefore(long now) {
        long deliveryTime = deliveryTime();
        long timestamp = timestamp();
        boolean delayed = timestamp == 0 || deliveryTime > timestamp;
        return delayed && deliveryTime > now ? deliveryTime : 0;
    }

    public boolean matches(Selector selector) {
        return selector.isMatchAll() || selector.matches(new MessageSelectorContext(message()));
    }

    /**
     * The message as delivered: JMSRedelivered and JMSXDeliveryCount set by the broker. A message stored as its
     * client sent it is delivered from the stored bytes, the two fields patched and the body appended as the answer
     * is written, without decoding or encoding it (the same bytes, see {@link WireMessageCodec#forDelivery}); one
     * that carries broker-private properties is encoded from its decoded form, which no longer holds them.
     */
    public DeliveryBytes encodeForDelivery(int deliveryCount) {
        if (headers != null) {
            // As the decoded form has it: a message without a body type has no body (the store keeps an empty one).
            byte[] body = headers.bodyType() == BodyType.NONE ? null : stored.body();
            return DeliveryBytes.stored(stored.properties(), headers, body, deliveryCount);
        }
        if (storedAsSent) {
            return DeliveryBytes.stored(stored.properties(), message.getBody(), deliveryCount);
        }
        message.setDeliveryCount(deliveryCount);
        message.setRedelivered(deliveryCount > 1);
        return DeliveryBytes.encoded(WireMessageCodec.encode(message));
    }
}
