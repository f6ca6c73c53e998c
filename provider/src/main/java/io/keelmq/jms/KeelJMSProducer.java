package io.keelmq.jms;

import io.keelmq.jms.message.KeelBytesMessage;
import io.keelmq.jms.message.KeelMapMessage;
import io.keelmq.jms.message.KeelObjectMessage;
import io.keelmq.jms.message.KeelTextMessage;
import io.keelmq.jms.message.PropertyNames;
import io.keelmq.jms.message.TypeConversions;
import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.JMSProducer;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatRuntimeException;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import static io.keelmq.jms.JmsExceptionSupport.unchecked;

/**
 * The simplified API's producer (spec 7.10): chained setters, properties and headers that override the message's own
 * (spec 7.5, 7.6), and sends of bare bodies. Lightweight: it holds settings only and sends through its context's
 * session.
 */
final class KeelJMSProducer implements JMSProducer {
    private final KeelJMSContext context;
    private final long producerId;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private boolean disableMessageID;
    private boolean disableMessageTimestamp;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;
    private CompletionListener completionListener;
    private String correlationId;
    private byte[] correlationIdBytes;
    private String type;
    private Destination replyTo;

    KeelJMSProducer(KeelJMSContext context) {
        this.context = context;
        this.producerId = context.session().connection().nextId();
    }

    // ---------------------------------------------------------------- sending

    @Override
    public JMSProducer send(Destination destination, Message message) {
        if (message == null) {
            throw new MessageFormatRuntimeException("the message to send is null");
        }
        unchecked(() -> {
            for (Map.Entry<String, Object> property : properties.entrySet()) {
                message.setObjectProperty(property.getKey(), property.getValue());
            }
            if (correlationIdBytes != null) {
                message.setJMSCorrelationIDAsBytes(correlationIdBytes);
            } else if (correlationId != null) {
                message.setJMSCorrelationID(correlationId);
            }
            if (type != null) {
                message.setJMSType(type);
            }
            if (replyTo != null) {
                message.setJMSReplyTo(replyTo);
            }
            KeelSession session = context.session();
            session.checkClosed();
            session.sender().send(producerId, destination, message, new SendParams(deliveryMode, priority,
                    timeToLive, deliveryDelay, disableMessageTimestamp), completionListener);
        });
        return this;
    }

    @Override
    public JMSProducer send(Destination destination, String body) {
        return send(destination, new KeelTextMessage(body));
    }

    @Override
    public JMSProducer send(Destination destination, Map<String, Object> body) {
        KeelMapMessage message = new KeelMapMessage();
        if (body != null) {
            unchecked(() -> {
                for (Map.Entry<String, Object> entry : body.entrySet()) {
                    message.setObject(entry.getKey(), entry.getValue());
                }
            });
        }
        return send(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, byte[] body) {
        KeelBytesMessage message = new KeelBytesMessage();
        if (body != null) {
            unchecked(() -> message.writeBytes(body));
        }
        return send(destination, message);
    }

    @Override
    public JMSProducer send(Destination destination, Serializable body) {
        KeelObjectMessage message = new KeelObjectMessage();
        unchecked(() -> message.setObject(body));
        return send(destination, message);
    }

    // ---------------------------------------------------------------- delivery settings

    @Override
    public JMSProducer setDisableMessageID(boolean value) {
        disableMessageID = value;
        return this;
    }

    @Override
    public boolean getDisableMessageID() {
        return disableMessageID;
    }

    @Override
    public JMSProducer setDisableMessageTimestamp(boolean value) {
        disableMessageTimestamp = value;
        return this;
    }

    @Override
    public boolean getDisableMessageTimestamp() {
        return disableMessageTimestamp;
    }

    @Override
    public JMSProducer setDeliveryMode(int mode) {
        deliveryMode = unchecked(() -> KeelMessageProducer.validDeliveryMode(mode));
        return this;
    }

    @Override
    public int getDeliveryMode() {
        return deliveryMode;
    }

    @Override
    public JMSProducer setPriority(int value) {
        priority = unchecked(() -> KeelMessageProducer.validPriority(value));
        return this;
    }

    @Override
    public int getPriority() {
        return priority;
    }

    @Override
    public JMSProducer setTimeToLive(long value) {
        timeToLive = value;
        return this;
    }

    @Override
    public long getTimeToLive() {
        return timeToLive;
    }

    @Override
    public JMSProducer setDeliveryDelay(long value) {
        deliveryDelay = value;
        return this;
    }

    @Override
    public long getDeliveryDelay() {
        return deliveryDelay;
    }

    /** @param listener null makes sends synchronous again */
    @Override
    public JMSProducer setAsync(CompletionListener listener) {
        completionListener = listener;
        return this;
    }

    @Override
    public CompletionListener getAsync() {
        return completionListener;
    }

    // ---------------------------------------------------------------- properties

    @Override
    public JMSProducer setProperty(String name, boolean value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, byte value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, short value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, int value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, long value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, float value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, double value) {
        return setProperty(name, (Object) value);
    }

    @Override
    public JMSProducer setProperty(String name, String value) {
        return setProperty(name, (Object) value);
    }

    /**
     * @throws IllegalArgumentException if the name is null, empty or not a selector identifier
     * @throws MessageFormatRuntimeException if the value is not a property type
     */
    @Override
    public JMSProducer setProperty(String name, Object value) {
        PropertyNames.validate(name);
        if (!TypeConversions.isPropertyValue(value)) {
            throw new MessageFormatRuntimeException("a property value must be a Boolean, Byte, Short, Integer, "
                    + "Long, Float, Double or String, not " + value.getClass().getName());
        }
        properties.put(name, value);
        return this;
    }

    @Override
    public JMSProducer clearProperties() {
        properties.clear();
        return this;
    }

    @Override
    public boolean propertyExists(String name) {
        return properties.containsKey(name);
    }

    @Override
    public boolean getBooleanProperty(String name) {
        return convert(() -> TypeConversions.toBoolean(properties.get(name)));
    }

    @Override
    public byte getByteProperty(String name) {
        return convert(() -> TypeConversions.toByte(properties.get(name)));
    }

    @Override
    public short getShortProperty(String name) {
        return convert(() -> TypeConversions.toShort(properties.get(name)));
    }

    @Override
    public int getIntProperty(String name) {
        return convert(() -> TypeConversions.toInt(properties.get(name)));
    }

    @Override
    public long getLongProperty(String name) {
        return convert(() -> TypeConversions.toLong(properties.get(name)));
    }

    @Override
    public float getFloatProperty(String name) {
        return convert(() -> TypeConversions.toFloat(properties.get(name)));
    }

    @Override
    public double getDoubleProperty(String name) {
        return convert(() -> TypeConversions.toDouble(properties.get(name)));
    }

    @Override
    public String getStringProperty(String name) {
        return convert(() -> TypeConversions.toText(properties.get(name)));
    }

    @Override
    public Object getObjectProperty(String name) {
        return properties.get(name);
    }

    @Override
    public Set<String> getPropertyNames() {
        return new LinkedHashSet<>(properties.keySet());
    }

    /** Conversions throw MessageFormatException (or NumberFormatException, which passes through, spec 3.5.4). */
    private static <T> T convert(JmsExceptionSupport.JmsCall<T> conversion) {
        try {
            return conversion.call();
        } catch (JMSException e) {
            throw JmsExceptionSupport.toRuntime(e);
        }
    }

    // ---------------------------------------------------------------- headers

    @Override
    public JMSProducer setJMSCorrelationIDAsBytes(byte[] value) {
        correlationIdBytes = value == null ? null : value.clone();
        correlationId = null;
        return this;
    }

    @Override
    public byte[] getJMSCorrelationIDAsBytes() {
        return correlationIdBytes == null ? null : correlationIdBytes.clone();
    }

    @Override
    public JMSProducer setJMSCorrelationID(String value) {
        correlationId = value;
        correlationIdBytes = null;
        return this;
    }

    @Override
    public String getJMSCorrelationID() {
        return correlationId;
    }

    @Override
    public JMSProducer setJMSType(String value) {
        type = value;
        return this;
    }

    @Override
    public String getJMSType() {
        return type;
    }

    @Override
    public JMSProducer setJMSReplyTo(Destination value) {
        replyTo = value;
        return this;
    }

    @Override
    public Destination getJMSReplyTo() {
        return replyTo;
    }

    @Override
    public String toString() {
        return "KeelJMSProducer[" + producerId + "]";
    }
}
