package io.keelmq.jms.message;

import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageNotReadableException;
import jakarta.jms.MessageNotWriteableException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;

/**
 * A message without a body, and the header, property and state handling shared by every body type.
 * <p>
 * Before a send, the header fields hold what a message created by a session holds in ActiveMQ Artemis:
 * {@code JMSDeliveryMode} PERSISTENT and {@code JMSPriority} 4 (the producer defaults), everything else unset; the
 * producer overwrites the send-time fields anyway (spec 3.4.11).
 * <p>
 * State: properties and body are writable on a new message. {@link #onReceive(int)} makes both read-only (spec 3.9);
 * {@link #clearProperties()} and {@link #clearBody()} make them writable again. Header fields are never read-only.
 * Messages are not thread-safe, like the sessions that own them.
 */
public class KeelMessage implements Message {

    private String messageId;
    private long timestamp;
    private String correlationId;
    /** Set instead of {@link #correlationId} when the client used {@link #setJMSCorrelationIDAsBytes}. */
    private byte[] correlationIdBytes;
    private Destination replyTo;
    private Destination destination;
    private int deliveryMode = DEFAULT_DELIVERY_MODE;
    private boolean redelivered;
    private String type;
    private long expiration;
    private long deliveryTime;
    private int priority = DEFAULT_PRIORITY;
    /** 0 until the message is delivered; JMSXDeliveryCount is absent until then (spec table 3-3: set on receive). */
    private int deliveryCount;

    private final MessageProperties properties;
    private boolean readOnlyProperties;
    private boolean readOnlyBody;
    private MessageAcknowledger acknowledger;

    public KeelMessage() {
        this.properties = new MessageProperties();
    }

    /** Copies headers, properties and read-only states; the acknowledger stays with the received original. */
    protected KeelMessage(KeelMessage other) {
        this.messageId = other.messageId;
        this.timestamp = other.timestamp;
        this.correlationId = other.correlationId;
        this.correlationIdBytes = other.correlationIdBytes == null ? null : other.correlationIdBytes.clone();
        this.replyTo = other.replyTo;
        this.destination = other.destination;
        this.deliveryMode = other.deliveryMode;
        this.redelivered = other.redelivered;
        this.type = other.type;
        this.expiration = other.expiration;
        this.deliveryTime = other.deliveryTime;
        this.priority = other.priority;
        this.deliveryCount = other.deliveryCount;
        this.properties = other.properties.copy();
        this.readOnlyProperties = other.readOnlyProperties;
        this.readOnlyBody = other.readOnlyBody;
    }

    // ---------------------------------------------------------------- provider hooks

    /**
     * An independent deep copy: the producer sends a copy so the application may change or resend its message while
     * the copy is in flight (spec 3.10).
     */
    public KeelMessage copy() {
        return new KeelMessage(this);
    }

    public BodyType bodyType() {
        return BodyType.NONE;
    }

    /**
     * Called by the producer on the application's message once the send-time headers are stamped. Bytes and stream
     * messages are reset here so that a CompletionListener (and, as in Artemis, the caller of a synchronous send) can
     * read the body back without calling reset (BytesMessage javadoc).
     */
    public void onSend() throws JMSException {
    }

    /**
     * Called by the consumer before handing a message to the application: records the delivery count, derives
     * JMSRedelivered from it (spec 3.5.11: redelivered implies a count of 2 or more) and makes properties and body
     * read-only, bytes and stream bodies positioned at their start.
     *
     * @param deliveryCount 1 on the first delivery
     */
    public void onReceive(int deliveryCount) throws JMSException {
        if (deliveryCount < 1) {
            throw new IllegalArgumentException("a delivered message has a delivery count of at least 1, not "
                    + deliveryCount);
        }
        this.deliveryCount = deliveryCount;
        this.redelivered = deliveryCount > 1;
        setReadOnlyProperties(true);
        setReadOnlyBody(true);
    }

    /**
     * Sets a property on behalf of the provider, whatever the read-only state: the producer reports the send status
     * this way even on a received message being forwarded.
     */
    public void setProviderProperty(String name, Object value) throws JMSException {
        properties.put(name, value);
    }

    public void setAcknowledger(MessageAcknowledger acknowledger) {
        this.acknowledger = acknowledger;
    }

    public MessageAcknowledger getAcknowledger() {
        return acknowledger;
    }

    public void setReadOnlyProperties(boolean readOnly) {
        this.readOnlyProperties = readOnly;
    }

    public boolean isReadOnlyProperties() {
        return readOnlyProperties;
    }

    /** Bytes and stream messages override this: read-only there also means positioned for reading. */
    public void setReadOnlyBody(boolean readOnly) throws JMSException {
        this.readOnlyBody = readOnly;
    }

    public boolean isReadOnlyBody() {
        return readOnlyBody;
    }

    /** The delivery count the consumer recorded, 0 for a message that was never delivered. */
    public int getDeliveryCount() {
        return deliveryCount;
    }

    /** True when the correlation ID was set as bytes, so the transport should carry it as bytes. */
    public boolean hasBinaryCorrelationID() {
        return correlationIdBytes != null;
    }

    /**
     * The properties set on this message, for encoding; JMSXDeliveryCount is not among them because it describes the
     * delivery ({@link #getDeliveryCount()}), not the message.
     */
    public Map<String, Object> getPropertyMap() {
        return properties.toMap();
    }

    /**
     * Replaces all properties, for decoding; names and values are validated as a client set would be, regardless of
     * the read-only state, and nothing changes if one is invalid.
     */
    public void setPropertyMap(Map<String, ?> values) throws JMSException {
        properties.replaceAll(values);
    }

    // ---------------------------------------------------------------- header fields

    @Override
    public String getJMSMessageID() {
        return messageId;
    }

    @Override
    public void setJMSMessageID(String id) {
        this.messageId = id;
    }

    @Override
    public long getJMSTimestamp() {
        return timestamp;
    }

    @Override
    public void setJMSTimestamp(long timestamp) {
        this.timestamp = timestamp;
    }

    /**
     * A correlation ID set as a String reads back as its UTF-8 bytes, so a byte-oriented native client sees the same
     * value (the ActiveMQ convention).
     */
    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        if (correlationIdBytes != null) {
            return correlationIdBytes.clone();
        }
        return correlationId == null ? null : correlationId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void setJMSCorrelationIDAsBytes(byte[] correlationID) {
        this.correlationIdBytes = correlationID == null ? null : correlationID.clone();
        this.correlationId = null;
    }

    @Override
    public void setJMSCorrelationID(String correlationID) {
        this.correlationId = correlationID;
        this.correlationIdBytes = null;
    }

    /** A correlation ID set as bytes reads back decoded as UTF-8. */
    @Override
    public String getJMSCorrelationID() {
        if (correlationIdBytes != null) {
            return new String(correlationIdBytes, StandardCharsets.UTF_8);
        }
        return correlationId;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    @Override
    public void setJMSReplyTo(Destination replyTo) {
        this.replyTo = replyTo;
    }

    @Override
    public Destination getJMSDestination() {
        return destination;
    }

    @Override
    public void setJMSDestination(Destination destination) {
        this.destination = destination;
    }

    @Override
    public int getJMSDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public void setJMSDeliveryMode(int deliveryMode) throws JMSException {
        if (deliveryMode != DeliveryMode.PERSISTENT && deliveryMode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("invalid delivery mode " + deliveryMode
                    + "; use DeliveryMode.PERSISTENT or DeliveryMode.NON_PERSISTENT");
        }
        this.deliveryMode = deliveryMode;
    }

    @Override
    public boolean getJMSRedelivered() {
        return redelivered;
    }

    @Override
    public void setJMSRedelivered(boolean redelivered) {
        this.redelivered = redelivered;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public void setJMSType(String type) {
        this.type = type;
    }

    @Override
    public long getJMSExpiration() {
        return expiration;
    }

    @Override
    public void setJMSExpiration(long expiration) {
        this.expiration = expiration;
    }

    @Override
    public long getJMSDeliveryTime() {
        return deliveryTime;
    }

    @Override
    public void setJMSDeliveryTime(long deliveryTime) {
        this.deliveryTime = deliveryTime;
    }

    @Override
    public int getJMSPriority() {
        return priority;
    }

    @Override
    public void setJMSPriority(int priority) throws JMSException {
        if (priority < 0 || priority > 9) {
            throw new JMSException("invalid priority " + priority + "; priorities are 0 to 9");
        }
        this.priority = priority;
    }

    // ---------------------------------------------------------------- properties

    /**
     * Removes every property and makes properties writable. JMSXDeliveryCount survives: it reports how often this
     * message was delivered, which clearing the client's properties does not change (as in Artemis).
     */
    @Override
    public void clearProperties() {
        properties.clear();
        readOnlyProperties = false;
    }

    @Override
    public boolean propertyExists(String name) {
        return propertyValue(name) != null || (name != null && properties.contains(name));
    }

    @Override
    public boolean getBooleanProperty(String name) throws JMSException {
        return TypeConversions.toBoolean(propertyValue(name));
    }

    @Override
    public byte getByteProperty(String name) throws JMSException {
        return TypeConversions.toByte(propertyValue(name));
    }

    @Override
    public short getShortProperty(String name) throws JMSException {
        return TypeConversions.toShort(propertyValue(name));
    }

    @Override
    public int getIntProperty(String name) throws JMSException {
        return TypeConversions.toInt(propertyValue(name));
    }

    @Override
    public long getLongProperty(String name) throws JMSException {
        return TypeConversions.toLong(propertyValue(name));
    }

    @Override
    public float getFloatProperty(String name) throws JMSException {
        return TypeConversions.toFloat(propertyValue(name));
    }

    @Override
    public double getDoubleProperty(String name) throws JMSException {
        return TypeConversions.toDouble(propertyValue(name));
    }

    @Override
    public String getStringProperty(String name) throws JMSException {
        return TypeConversions.toText(propertyValue(name));
    }

    @Override
    public Object getObjectProperty(String name) {
        return propertyValue(name);
    }

    @Override
    public Enumeration<String> getPropertyNames() {
        List<String> names = new ArrayList<>(properties.names());
        if (deliveryCount > 0) {
            names.add(PropertyNames.JMSX_DELIVERY_COUNT);
        }
        return Collections.enumeration(names);
    }

    @Override
    public void setBooleanProperty(String name, boolean value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setByteProperty(String name, byte value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setShortProperty(String name, short value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setIntProperty(String name, int value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setLongProperty(String name, long value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setFloatProperty(String name, float value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setDoubleProperty(String name, double value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setStringProperty(String name, String value) throws JMSException {
        setProperty(name, value);
    }

    @Override
    public void setObjectProperty(String name, Object value) throws JMSException {
        setProperty(name, value);
    }

    private Object propertyValue(String name) {
        if (PropertyNames.JMSX_DELIVERY_COUNT.equals(name)) {
            return deliveryCount > 0 ? Integer.valueOf(deliveryCount) : null;
        }
        return name == null ? null : properties.get(name);
    }

    private void setProperty(String name, Object value) throws JMSException {
        if (readOnlyProperties) {
            throw new MessageNotWriteableException("the properties of a received message are read-only;"
                    + " call clearProperties() first");
        }
        if (PropertyNames.JMSX_DELIVERY_COUNT.equals(name)) {
            // Provider-owned, but a message being forwarded may carry it; keep the int it converts to (as Qpid JMS).
            deliveryCount = TypeConversions.toInt(value);
            return;
        }
        properties.put(name, value);
    }

    // ---------------------------------------------------------------- body

    /** Empties the body and makes it writable; subclasses empty their own content in {@link #clearBodyContent()}. */
    @Override
    public final void clearBody() throws JMSException {
        clearBodyContent();
        readOnlyBody = false;
    }

    /** Resets the body to the empty value of a newly created message of this type. */
    protected void clearBodyContent() throws JMSException {
    }

    /** A plain Message has no body: any type may be asked for and null is returned. */
    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        return null;
    }

    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) throws JMSException {
        return true;
    }

    @Override
    public void acknowledge() throws JMSException {
        MessageAcknowledger current = acknowledger;
        if (current != null) {
            current.acknowledge(this);
        }
    }

    protected final void checkBodyWritable() throws MessageNotWriteableException {
        if (readOnlyBody) {
            throw new MessageNotWriteableException("the message body is read-only; call clearBody() first");
        }
    }

    /** For bytes and stream messages, whose body is write-only until {@code reset()}. */
    protected final void checkBodyReadable() throws MessageNotReadableException {
        if (!readOnlyBody) {
            throw new MessageNotReadableException("the message body is write-only; call reset() first");
        }
    }

    /** For subclasses whose read-only state carries more (bytes and stream messages reposition on a change). */
    protected final void setReadOnlyBodyFlag(boolean readOnly) {
        this.readOnlyBody = readOnly;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[id=" + messageId + ", destination=" + destination
                + ", deliveryMode=" + deliveryMode + ", priority=" + priority + ", properties=" + getPropertyMap()
                + "]";
    }
}
