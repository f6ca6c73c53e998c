package io.keelmq.server.message;

import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.store.StoredMessage;

/** A stored message read back: the record, its JMS form and the connection that sent it. */
public final class DecodedMessage {
    private final StoredMessage stored;
    private final WireMessage message;
    private final String senderConnectionId;
    private final String retryFor;
    private final int priorDeliveries;
    /** The stored properties bytes are the message's encoding without its body (no broker-private property). */
    private final boolean storedAsSent;

    DecodedMessage(StoredMessage stored, WireMessage message, String senderConnectionId, String retryFor,
                   int priorDeliveries, boolean storedAsSent) {
        this.stored = stored;
        this.message = message;
        this.senderConnectionId = senderConnectionId;
        this.retryFor = retryFor;
        this.priorDeliveries = priorDeliveries;
        this.storedAsSent = storedAsSent;
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

    public WireMessage message() {
        return message;
    }

    /** Connection that sent it (topics only), or null. */
    public String senderConnectionId() {
        return senderConnectionId;
    }

    /** JMSExpiration passed: such a message is never delivered. */
    public boolean isExpired(long now) {
        return message.getExpiration() != 0 && message.getExpiration() < now;
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
        long deliveryTime = message.getDeliveryTime();
        long timestamp = message.getTimestamp();
        boolean delayed = timestamp == 0 || deliveryTime > timestamp;
        return delayed && deliveryTime > now ? deliveryTime : 0;
    }

    public boolean matches(Selector selector) {
        return selector.isMatchAll() || selector.matches(new MessageSelectorContext(message));
    }

    /**
     * The message as delivered: JMSRedelivered and JMSXDeliveryCount set by the broker. A message stored as its
     * client sent it is delivered from the stored bytes, the two fields patched and the body appended, without
     * encoding the decoded message again (the same bytes, see {@link WireMessageCodec#forDelivery}); one that
     * carries broker-private properties is encoded from its decoded form, which no longer holds them.
     */
    public byte[] encodeForDelivery(int deliveryCount) {
        message.setDeliveryCount(deliveryCount);
        message.setRedelivered(deliveryCount > 1);
        if (storedAsSent) {
            return WireMessageCodec.forDelivery(stored.properties(), message.getBody(), deliveryCount);
        }
        return WireMessageCodec.encode(message);
    }
}
