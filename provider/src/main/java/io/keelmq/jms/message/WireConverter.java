package io.keelmq.jms.message;

import io.keelmq.jms.KeelDestination;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.TextBody;
import io.keelmq.protocol.message.TypedValues;
import io.keelmq.protocol.message.WireMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;

import java.util.Map;

/**
 * The one place where a JMS message becomes a {@link WireMessage} and back. Every header field travels, properties
 * keep their types, and the body keeps its type tag so a message arrives as the type it was sent as (spec 3.11.4).
 */
public final class WireConverter {

    private WireConverter() {
    }

    /**
     * The wire form of {@code message}, whatever its implementation: another provider's message is first copied
     * through the JMS API ({@link KeelMessages#copyOf}). The body bytes are a snapshot, so the application may change
     * the message as soon as this returns (spec 3.9).
     *
     * @throws MessageFormatException if a header or body cannot be carried (e.g. text with an unpaired surrogate)
     */
    public static WireMessage toWire(Message message) throws JMSException {
        KeelMessage m = message instanceof KeelMessage keel ? keel : KeelMessages.copyOf(message);
        WireMessage w = new WireMessage();
        w.setMessageId(m.getJMSMessageID());
        w.setTimestamp(m.getJMSTimestamp());
        if (m.hasBinaryCorrelationID()) {
            w.setCorrelationIdBytes(m.getJMSCorrelationIDAsBytes());
        } else {
            w.setCorrelationId(m.getJMSCorrelationID());
        }
        w.setDestination(refOf(m.getJMSDestination()));
        w.setReplyTo(refOf(m.getJMSReplyTo()));
        w.setDeliveryMode(m.getJMSDeliveryMode());
        w.setType(m.getJMSType());
        w.setExpiration(m.getJMSExpiration());
        w.setPriority(m.getJMSPriority());
        w.setDeliveryTime(m.getJMSDeliveryTime());
        try {
            for (Map.Entry<String, Object> p : m.getPropertyMap().entrySet()) {
                if (!PropertyNames.KEEL_SEND_STATUS.equals(p.getKey())) {
                    w.setProperty(p.getKey(), p.getValue());
                }
            }
            setBody(m, w);
        } catch (IllegalArgumentException e) {
            throw formatError("message cannot be sent: " + e.getMessage(), e);
        }
        return w;
    }

    private static void setBody(KeelMessage m, WireMessage w) {
        switch (m.bodyType()) {
            case NONE -> w.setBody(io.keelmq.protocol.message.BodyType.NONE, null);
            case TEXT -> w.setBody(io.keelmq.protocol.message.BodyType.TEXT,
                    TextBody.encode(((KeelTextMessage) m).getText()));
            case BYTES -> w.setBody(io.keelmq.protocol.message.BodyType.BYTES, ((KeelBytesMessage) m).getBodyBytes());
            case MAP -> w.setBody(io.keelmq.protocol.message.BodyType.MAP,
                    TypedValues.encodeMap(((KeelMapMessage) m).getBodyMap()));
            case OBJECT -> w.setBody(io.keelmq.protocol.message.BodyType.OBJECT,
                    ((KeelObjectMessage) m).getSerializedBody());
            case STREAM -> w.setBody(io.keelmq.protocol.message.BodyType.STREAM,
                    TypedValues.encodeStream(((KeelStreamMessage) m).getBodyList()));
        }
    }

    /**
     * The JMS message a delivery carries, read-only as received messages are (spec 3.9), with JMSXDeliveryCount and
     * JMSRedelivered derived from {@code deliveryCount}.
     *
     * @param deliveryCount 1 on the first delivery
     * @throws MessageFormatException if the body or a property cannot be read as its type says
     */
    public static KeelMessage fromWire(WireMessage w, int deliveryCount) throws JMSException {
        KeelMessage m;
        try {
            m = body(w);
            m.setJMSMessageID(w.getMessageId());
            m.setJMSTimestamp(w.getTimestamp());
            if (w.getCorrelationIdBytes() != null) {
                m.setJMSCorrelationIDAsBytes(w.getCorrelationIdBytes());
            } else {
                m.setJMSCorrelationID(w.getCorrelationId());
            }
            m.setJMSDestination(destinationOf(w.getDestination()));
            m.setJMSReplyTo(destinationOf(w.getReplyTo()));
            m.setJMSDeliveryMode(w.getDeliveryMode());
            m.setJMSType(w.getType());
            m.setJMSExpiration(w.getExpiration());
            m.setJMSPriority(w.getPriority());
            m.setJMSDeliveryTime(w.getDeliveryTime());
            m.setPropertyMap(w.getProperties());
        } catch (ProtocolException | IllegalArgumentException e) {
            throw formatError("message " + w.getMessageId() + " cannot be read: " + e.getMessage(), e);
        }
        m.onReceive(deliveryCount);
        return m;
    }

    private static KeelMessage body(WireMessage w) throws JMSException {
        byte[] body = w.getBody();
        return switch (w.getBodyType()) {
            case NONE -> new KeelMessage();
            case TEXT -> new KeelTextMessage(TextBody.decode(body));
            case BYTES -> KeelBytesMessage.fromBody(body == null ? new byte[0] : body);
            case MAP -> KeelMapMessage.fromBody(TypedValues.decodeMap(body));
            case OBJECT -> KeelObjectMessage.fromSerialized(body);
            case STREAM -> KeelStreamMessage.fromBody(TypedValues.decodeStream(body));
        };
    }

    private static DestinationRef refOf(Destination destination) throws JMSException {
        return destination == null ? null : KeelDestination.of(destination).toRef();
    }

    private static Destination destinationOf(DestinationRef ref) {
        return ref == null ? null : KeelDestination.fromRef(ref);
    }

    private static MessageFormatException formatError(String reason, Exception cause) {
        MessageFormatException e = new MessageFormatException(reason);
        e.initCause(cause);
        e.setLinkedException(cause);
        return e;
    }
}
