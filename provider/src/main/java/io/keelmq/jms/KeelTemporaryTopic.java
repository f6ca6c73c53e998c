package io.keelmq.jms;

import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;
import jakarta.jms.TemporaryTopic;

/** A topic that lives as long as the connection that created it; see {@link KeelTemporaryQueue}. */
public final class KeelTemporaryTopic extends KeelDestination implements TemporaryTopic {
    private static final long serialVersionUID = 1L;

    private final transient KeelConnection owner;

    KeelTemporaryTopic(String name, KeelConnection owner) {
        super(name);
        this.owner = owner;
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    public DestinationRef.Kind kind() {
        return DestinationRef.Kind.TEMPORARY_TOPIC;
    }

    /** @throws JMSException if a subscriber still uses it, or if this object was not created by a connection here */
    @Override
    public void delete() throws JMSException {
        TemporaryDestinations.delete(this, owner);
    }
}
