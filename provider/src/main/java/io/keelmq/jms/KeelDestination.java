package io.keelmq.jms;

import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.Destination;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;

import java.io.Serializable;

/**
 * A KeelMQ destination: a kind and a physical name, which together name one log destination in the store
 * ({@code <kind>/<name>}), so a queue and a topic may share a name. Equal when kind and name are equal.
 */
public abstract class KeelDestination implements Destination, Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;

    KeelDestination(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a destination name must not be null or empty");
        }
        this.name = name;
    }

    /** The physical name. */
    public String getName() {
        return name;
    }

    public abstract DestinationRef.Kind kind();

    public DestinationRef toRef() {
        return new DestinationRef(kind(), name);
    }

    /** The destination a wire reference names; temporary ones are not owned by any connection of this client. */
    public static KeelDestination fromRef(DestinationRef ref) {
        return switch (ref.kind()) {
            case QUEUE -> new KeelQueue(ref.name());
            case TOPIC -> new KeelTopic(ref.name());
            case TEMPORARY_QUEUE -> new KeelTemporaryQueue(ref.name(), null);
            case TEMPORARY_TOPIC -> new KeelTemporaryTopic(ref.name(), null);
        };
    }

    /**
     * A KeelMQ destination for any destination object; another provider's queue or topic is taken by its name, as a
     * producer must accept foreign objects where it can (spec 3.12).
     *
     * @throws InvalidDestinationException if it is null or neither a queue nor a topic
     */
    public static KeelDestination of(Destination destination) throws JMSException {
        if (destination instanceof KeelDestination keel) {
            return keel;
        }
        if (destination == null) {
            throw new InvalidDestinationException("the destination is null");
        }
        try {
            if (destination instanceof TemporaryQueue q) {
                return new KeelTemporaryQueue(q.getQueueName(), null);
            }
            if (destination instanceof TemporaryTopic t) {
                return new KeelTemporaryTopic(t.getTopicName(), null);
            }
            if (destination instanceof Queue q) {
                return new KeelQueue(q.getQueueName());
            }
            if (destination instanceof Topic t) {
                return new KeelTopic(t.getTopicName());
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidDestinationException("destination " + destination + " has no name");
        }
        throw new InvalidDestinationException("destination " + destination + " is neither a Queue nor a Topic");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeelDestination other && other.kind() == kind() && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return kind().hashCode() * 31 + name.hashCode();
    }

    @Override
    public String toString() {
        return kind().name().toLowerCase(java.util.Locale.ROOT) + "://" + name;
    }
}
