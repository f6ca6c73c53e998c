package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.ObjectMessage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;

/**
 * A message whose body is one Serializable object, held in serialized form from the moment it is set: the body is a
 * snapshot that later changes to the object cannot reach (ObjectMessage javadoc), copies are cheap, and the transport
 * sends the bytes as they are. Every {@link #getObject()} deserializes a new instance.
 * <p>
 * Classes are resolved through the thread context class loader first, so application classes are found inside an
 * application server; deserialization is subject to the JVM-wide filter ({@code jdk.serialFilter}).
 */
public class KeelObjectMessage extends KeelMessage implements ObjectMessage {

    /** Null when the body is null (the value of a new message). */
    private byte[] serialized;

    public KeelObjectMessage() {
    }

    protected KeelObjectMessage(KeelObjectMessage other) {
        super(other);
        this.serialized = other.serialized == null ? null : other.serialized.clone();
    }

    /** A message holding a copy of an already serialized body (null for no body), as decoded from the transport. */
    public static KeelObjectMessage fromSerialized(byte[] serialized) {
        KeelObjectMessage message = new KeelObjectMessage();
        message.serialized = serialized == null ? null : serialized.clone();
        return message;
    }

    /** A copy of the serialized body, null when there is none: the body for the transport. */
    public byte[] getSerializedBody() {
        return serialized == null ? null : serialized.clone();
    }

    @Override
    public KeelObjectMessage copy() {
        return new KeelObjectMessage(this);
    }

    @Override
    public BodyType bodyType() {
        return BodyType.OBJECT;
    }

    /** @throws MessageFormatException if the object graph cannot be serialized */
    @Override
    public void setObject(Serializable object) throws JMSException {
        checkBodyWritable();
        serialized = object == null ? null : serialize(object);
    }

    /** @throws MessageFormatException if the body cannot be deserialized */
    @Override
    public Serializable getObject() throws JMSException {
        return serialized == null ? null : deserialize(serialized);
    }

    @Override
    protected void clearBodyContent() {
        serialized = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        Serializable object = getObject();
        if (object == null) {
            return null;
        }
        if (!c.isInstance(object)) {
            throw new MessageFormatException("the ObjectMessage body is a " + object.getClass().getName()
                    + " and cannot be read as " + c.getName());
        }
        return c.cast(object);
    }

    /** Deserializes to find the body's class; a body that cannot be deserialized is assignable to nothing. */
    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) {
        if (serialized == null) {
            return true;
        }
        try {
            return c.isInstance(deserialize(serialized));
        } catch (MessageFormatException e) {
            return false;
        }
    }

    private static byte[] serialize(Serializable object) throws MessageFormatException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        } catch (IOException e) {
            // typically NotSerializableException from a field of the object
            throw formatException("cannot serialize the " + object.getClass().getName() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    private static Serializable deserialize(byte[] bytes) throws MessageFormatException {
        try (ObjectInputStream in = new ContextClassLoaderObjectInputStream(new ByteArrayInputStream(bytes))) {
            return (Serializable) in.readObject();
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw formatException("cannot deserialize the ObjectMessage body: " + e, e);
        }
    }

    private static MessageFormatException formatException(String reason, Exception cause) {
        MessageFormatException exception = new MessageFormatException(reason);
        exception.setLinkedException(cause);
        exception.initCause(cause);
        return exception;
    }

    /** Tries the thread context class loader before the default, which only sees this library's loader. */
    private static final class ContextClassLoaderObjectInputStream extends ObjectInputStream {

        ContextClassLoaderObjectInputStream(InputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader context = Thread.currentThread().getContextClassLoader();
            if (context != null) {
                try {
                    return Class.forName(desc.getName(), false, context);
                } catch (ClassNotFoundException e) {
                    // fall through to the default resolution, which also handles primitive type names
                }
            }
            return super.resolveClass(desc);
        }
    }
}
