package io.keelmq.protocol.message;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A JMS message as it travels between client and broker: every header field, the
 * properties and the body, without depending on jakarta.jms so the broker can handle it.
 *
 * <p>Mutable, like a JMS message, and not thread-safe. Setters validate, so an instance
 * always holds something {@link WireMessageCodec} can encode and every receiver accepts.
 * The body array is kept and returned without copying (bodies can be megabytes); callers
 * must not modify it after handing it over.
 */
public final class WireMessage {
    /** {@code jakarta.jms.DeliveryMode.NON_PERSISTENT}. */
    public static final int NON_PERSISTENT = 1;
    /** {@code jakarta.jms.DeliveryMode.PERSISTENT}. */
    public static final int PERSISTENT = 2;
    /** {@code jakarta.jms.Message.DEFAULT_PRIORITY}. */
    public static final int DEFAULT_PRIORITY = 4;

    private String messageId;
    private long timestamp;
    private String correlationId;
    private byte[] correlationIdBytes;
    private DestinationRef replyTo;
    private DestinationRef destination;
    private int deliveryMode = PERSISTENT;
    private boolean redelivered;
    private String type;
    private long expiration;
    private int priority = DEFAULT_PRIORITY;
    private long deliveryTime;
    private int deliveryCount;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private BodyType bodyType = BodyType.NONE;
    private byte[] body;

    /** JMSMessageID; null when the producer disabled message ids. */
    public String getMessageId() {
        return messageId;
    }

    public void setMessageId(String messageId) {
        this.messageId = messageId;
    }

    /** JMSTimestamp in epoch milliseconds; 0 when disabled. */
    public long getTimestamp() {
        return timestamp;
    }

    public void setTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /** JMSCorrelationID as a string, or null if unset or set as bytes. */
    public String getCorrelationId() {
        return correlationId;
    }

    /** Sets the string correlation id, replacing any byte one (JMS keeps only one). */
    public void setCorrelationId(String correlationId) {
        this.correlationId = correlationId;
        this.correlationIdBytes = null;
    }

    /** JMSCorrelationIDAsBytes (a copy), or null if unset or set as a string. */
    public byte[] getCorrelationIdBytes() {
        return correlationIdBytes == null ? null : correlationIdBytes.clone();
    }

    /** Sets the byte correlation id (copied), replacing any string one. */
    public void setCorrelationIdBytes(byte[] correlationIdBytes) {
        this.correlationIdBytes = correlationIdBytes == null ? null : correlationIdBytes.clone();
        this.correlationId = null;
    }

    public DestinationRef getReplyTo() {
        return replyTo;
    }

    public void setReplyTo(DestinationRef replyTo) {
        this.replyTo = replyTo;
    }

    /** JMSDestination; null until the message is sent. */
    public DestinationRef getDestination() {
        return destination;
    }

    public void setDestination(DestinationRef destination) {
        this.destination = destination;
    }

    public int getDeliveryMode() {
        return deliveryMode;
    }

    /**
     * @throws IllegalArgumentException unless {@link #NON_PERSISTENT} or {@link #PERSISTENT}
     */
    public void setDeliveryMode(int deliveryMode) {
        if (deliveryMode != NON_PERSISTENT && deliveryMode != PERSISTENT) {
            throw new IllegalArgumentException("delivery mode must be 1 (NON_PERSISTENT) or 2 (PERSISTENT), not "
                    + deliveryMode);
        }
        this.deliveryMode = deliveryMode;
    }

    public boolean isRedelivered() {
        return redelivered;
    }

    public void setRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    /** JMSType, or null. */
    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    /** JMSExpiration in epoch milliseconds; 0 means never. */
    public long getExpiration() {
        return expiration;
    }

    public void setExpiration(long expiration) {
        this.expiration = expiration;
    }

    public int getPriority() {
        return priority;
    }

    /**
     * @throws IllegalArgumentException unless 0 to 9
     */
    public void setPriority(int priority) {
        if (priority < 0 || priority > 9) {
            throw new IllegalArgumentException("priority must be 0 to 9, not " + priority);
        }
        this.priority = priority;
    }

    /** JMSDeliveryTime in epoch milliseconds. */
    public long getDeliveryTime() {
        return deliveryTime;
    }

    public void setDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    /** JMSXDeliveryCount: how many times the broker has delivered this message (0 before the first). */
    public int getDeliveryCount() {
        return deliveryCount;
    }

    /**
     * @throws IllegalArgumentException if negative
     */
    public void setDeliveryCount(int deliveryCount) {
        if (deliveryCount < 0) {
            throw new IllegalArgumentException("delivery count must not be negative: " + deliveryCount);
        }
        this.deliveryCount = deliveryCount;
    }

    /** The properties in the order they were first set; unmodifiable view. */
    public Map<String, Object> getProperties() {
        return Collections.unmodifiableMap(properties);
    }

    public Object getProperty(String name) {
        return properties.get(name);
    }

    public boolean hasProperty(String name) {
        return properties.containsKey(name);
    }

    /**
     * Sets a property. Null is kept as a property whose value is null (it exists, and a
     * selector sees it as NULL); use {@link #removeProperty} to remove one.
     *
     * @throws IllegalArgumentException on a null or empty name, or a value that is not
     *     null, Boolean, Byte, Short, Integer, Long, Float, Double or String
     */
    public void setProperty(String name, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("property name must not be null or empty");
        }
        ValueType.ofProperty(value);
        properties.put(name, value);
    }

    public Object removeProperty(String name) {
        return properties.remove(name);
    }

    public void clearProperties() {
        properties.clear();
    }

    public BodyType getBodyType() {
        return bodyType;
    }

    /** The body bytes (not copied), or null for no body. */
    public byte[] getBody() {
        return body;
    }

    /**
     * Sets the body type and its bytes, encoded as {@link BodyType} describes. The array is
     * kept without copying. Null is a distinct "no body" (e.g. a TextMessage whose text is null).
     *
     * @throws IllegalArgumentException if the type is NONE and bytes are given
     */
    public void setBody(BodyType bodyType, byte[] body) {
        Objects.requireNonNull(bodyType, "bodyType");
        if (bodyType == BodyType.NONE && body != null) {
            throw new IllegalArgumentException("a message of body type NONE cannot have body bytes");
        }
        this.bodyType = bodyType;
        this.body = body;
    }

    /** Every field, property (in any order) and body byte equal. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof WireMessage)) {
            return false;
        }
        WireMessage m = (WireMessage) o;
        return timestamp == m.timestamp && deliveryMode == m.deliveryMode && redelivered == m.redelivered
                && expiration == m.expiration && priority == m.priority && deliveryTime == m.deliveryTime
                && deliveryCount == m.deliveryCount && Objects.equals(messageId, m.messageId)
                && Objects.equals(correlationId, m.correlationId)
                && Arrays.equals(correlationIdBytes, m.correlationIdBytes)
                && Objects.equals(replyTo, m.replyTo) && Objects.equals(destination, m.destination)
                && Objects.equals(type, m.type) && properties.equals(m.properties)
                && bodyType == m.bodyType && Arrays.equals(body, m.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, timestamp, correlationId, destination, priority, properties, bodyType)
                * 31 + Arrays.hashCode(body);
    }

    @Override
    public String toString() {
        return "WireMessage[id=" + messageId + " destination=" + destination + " mode=" + deliveryMode
                + " priority=" + priority + " redelivered=" + redelivered + " deliveryCount=" + deliveryCount
                + " properties=" + properties.keySet() + " body=" + bodyType
                + (body == null ? " null" : " " + body.length + " bytes") + "]";
    }
}
