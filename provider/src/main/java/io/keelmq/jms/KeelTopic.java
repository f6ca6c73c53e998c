package io.keelmq.jms;

import io.keelmq.jms.jndi.KeelObjectFactory;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.Topic;

import javax.naming.Reference;
import javax.naming.Referenceable;
import javax.naming.StringRefAddr;

/** A topic, an administered object that JNDI can bind. */
public class KeelTopic extends KeelDestination implements Topic, Referenceable {
    private static final long serialVersionUID = 1L;

    public KeelTopic(String name) {
        super(name);
    }

    @Override
    public String getTopicName() {
        return getName();
    }

    @Override
    public DestinationRef.Kind kind() {
        return DestinationRef.Kind.TOPIC;
    }

    @Override
    public Reference getReference() {
        return new Reference(KeelTopic.class.getName(), new StringRefAddr(KeelObjectFactory.NAME_ADDRESS, getName()),
                KeelObjectFactory.class.getName(), null);
    }
}
