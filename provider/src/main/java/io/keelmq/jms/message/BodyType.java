package io.keelmq.jms.message;

/**
 * The five body forms of spec 3.11 plus the body-less {@link jakarta.jms.Message}. A message must arrive as the type it
 * was sent as (spec 3.11.4), so the transport carries this tag next to the body and rebuilds the message with
 * {@link KeelMessages#create(BodyType)} or the type's own {@code fromBody} factory.
 */
public enum BodyType {
    NONE,
    TEXT,
    BYTES,
    MAP,
    OBJECT,
    STREAM
}
