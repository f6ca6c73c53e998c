package io.keelmq.jms.message;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageEOFException;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;

import java.io.ByteArrayOutputStream;
import java.util.Enumeration;

/**
 * Obtaining KeelMQ messages: an empty one of a given body type, or an independent copy of any message, including one
 * implemented by another provider, which a producer must accept (spec 3.12).
 */
public final class KeelMessages {

    private KeelMessages() {
    }

    /** A new, empty, writable message of the given body type, as a session's create method returns it. */
    public static KeelMessage create(BodyType type) {
        return switch (type) {
            case NONE -> new KeelMessage();
            case TEXT -> new KeelTextMessage();
            case BYTES -> new KeelBytesMessage();
            case MAP -> new KeelMapMessage();
            case OBJECT -> new KeelObjectMessage();
            case STREAM -> new KeelStreamMessage();
        };
    }

    /**
     * An independent copy of {@code message} with the same headers, properties and body. A KeelMQ message is copied
     * with {@link KeelMessage#copy()}. Another provider's message is rebuilt through the Jakarta Messaging API; its
     * bytes or stream body is reset to read it, which leaves it read-only (as Artemis does), and its JMSXDeliveryCount
     * is left out because it describes that provider's delivery. Such a copy is writable, like a new message.
     */
    public static KeelMessage copyOf(Message message) throws JMSException {
        if (message instanceof KeelMessage keel) {
            return keel.copy();
        }
        KeelMessage copy = copyBody(message);
        copyHeaders(message, copy);
        copyProperties(message, copy);
        return copy;
    }

    private static KeelMessage copyBody(Message message) throws JMSException {
        if (message instanceof TextMessage text) {
            return new KeelTextMessage(text.getText());
        }
        if (message instanceof BytesMessage bytes) {
            bytes.reset();
            byte[] body = readAll(bytes);
            bytes.reset();
            KeelBytesMessage copy = KeelBytesMessage.fromBody(body);
            copy.setReadOnlyBody(false);
            return copy;
        }
        if (message instanceof MapMessage map) {
            KeelMapMessage copy = new KeelMapMessage();
            for (Enumeration<?> names = map.getMapNames(); names.hasMoreElements(); ) {
                String name = (String) names.nextElement();
                copy.setObject(name, map.getObject(name));
            }
            return copy;
        }
        if (message instanceof ObjectMessage object) {
            KeelObjectMessage copy = new KeelObjectMessage();
            copy.setObject(object.getObject());
            return copy;
        }
        if (message instanceof StreamMessage stream) {
            KeelStreamMessage copy = new KeelStreamMessage();
            stream.reset();
            try {
                while (true) {
                    copy.writeObject(stream.readObject());
                }
            } catch (MessageEOFException endOfStream) {
                // every field was copied
            }
            stream.reset();
            return copy;
        }
        return new KeelMessage();
    }

    /**
     * Reads a bytes body to its end, as readBytes reports it (a short read, then -1), without trusting
     * getBodyLength: another provider's value may be wrong (the TCK's foreign BytesMessage reports a length it was
     * told, not the one written), and a body copied to that length would be cut or padded.
     */
    private static byte[] readAll(BytesMessage bytes) throws JMSException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = bytes.readBytes(chunk)) > 0) {
            body.write(chunk, 0, read);
            if (read < chunk.length) {
                break;
            }
        }
        return body.toByteArray();
    }

    private static void copyHeaders(Message from, KeelMessage to) throws JMSException {
        to.setJMSMessageID(from.getJMSMessageID());
        to.setJMSTimestamp(from.getJMSTimestamp());
        to.setJMSCorrelationID(from.getJMSCorrelationID());
        to.setJMSReplyTo(from.getJMSReplyTo());
        to.setJMSDestination(from.getJMSDestination());
        to.setJMSDeliveryMode(from.getJMSDeliveryMode());
        to.setJMSRedelivered(from.getJMSRedelivered());
        to.setJMSType(from.getJMSType());
        to.setJMSExpiration(from.getJMSExpiration());
        to.setJMSDeliveryTime(from.getJMSDeliveryTime());
        to.setJMSPriority(from.getJMSPriority());
    }

    private static void copyProperties(Message from, KeelMessage to) throws JMSException {
        for (Enumeration<?> names = from.getPropertyNames(); names.hasMoreElements(); ) {
            String name = (String) names.nextElement();
            if (!PropertyNames.JMSX_DELIVERY_COUNT.equals(name)) {
                to.setObjectProperty(name, from.getObjectProperty(name));
            }
        }
    }
}
