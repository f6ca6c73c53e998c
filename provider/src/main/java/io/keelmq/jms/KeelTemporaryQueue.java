package io.keelmq.jms;

import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;
import jakarta.jms.TemporaryQueue;

/**
 * A queue that lives as long as the connection that created it. Only the object that connection returned can be
 * deleted; a copy received as JMSReplyTo names the same queue but owns nothing.
 */
public final class KeelTemporaryQueue extends KeelDestination implements TemporaryQueue {
    private static final long serialVersionUID = 1L;

    private final transient KeelConnection owner;

    KeelTemporaryQueue(String name, KeelConnection owner) {
        super(name);
        this.owner = owner;
    }

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    public DestinationRef.Kind kind() {
        return DestinationRef.Kind.TEMPORARY_QUEUE;
    }

    /** @throws JMSException if a consumer still uses it, or if this object was not created by a connection here */
    @Override
    public void delete() throws JMSException {
        TemporaryDestinations.delete(this, owner);
    }
}
