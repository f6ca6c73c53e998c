package io.keelmq.jms.message;

import jakarta.jms.JMSException;
import jakarta.jms.MessageFormatException;
import jakarta.jms.TextMessage;

/** A message whose body is one String, possibly null (the value of a new message). */
public class KeelTextMessage extends KeelMessage implements TextMessage {

    private String text;

    public KeelTextMessage() {
    }

    /** A message holding {@code text}, as decoded from the transport. */
    public KeelTextMessage(String text) {
        this.text = text;
    }

    protected KeelTextMessage(KeelTextMessage other) {
        super(other);
        this.text = other.text;
    }

    @Override
    public KeelTextMessage copy() {
        return new KeelTextMessage(this);
    }

    @Override
    public BodyType bodyType() {
        return BodyType.TEXT;
    }

    @Override
    public void setText(String string) throws JMSException {
        checkBodyWritable();
        this.text = string;
    }

    /** Also the body accessor for the transport: Strings are immutable, so no copy is needed. */
    @Override
    public String getText() {
        return text;
    }

    @Override
    protected void clearBodyContent() {
        text = null;
    }

    @Override
    public <T> T getBody(Class<T> c) throws JMSException {
        if (text == null) {
            return null;
        }
        if (!c.isAssignableFrom(String.class)) {
            throw new MessageFormatException("a TextMessage body is a String and cannot be read as " + c.getName());
        }
        return c.cast(text);
    }

    @Override
    public boolean isBodyAssignableTo(@SuppressWarnings("rawtypes") Class c) {
        return text == null || ((Class<?>) c).isAssignableFrom(String.class);
    }
}
