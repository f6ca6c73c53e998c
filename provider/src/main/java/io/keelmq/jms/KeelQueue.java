package io.keelmq.jms;

import io.keelmq.jms.jndi.KeelObjectFactory;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.Queue;

import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;

/** A queue, an administered object that JNDI can bind. */
public class KeelQueue extends KeelDestination implements Queue, Referenceable {
    private static final long serialVersionUID = 1L;

    public KeelQueue(String name) {
        super(name);
    }

    @Override
    public String getQueueName() {
        return getName();
    }

    @Override
    public DestinationRef.Kind kind() {
        return DestinationRef.Kind.QUEUE;
    }

    @Override
    public Reference getReference() {
        return new Reference(KeelQueue.class.getName(), new StringRefAddr(KeelObjectFactory.NAME_ADDRESS, getName()),
                KeelObjectFactory.class.getName(), null);
    }
}
