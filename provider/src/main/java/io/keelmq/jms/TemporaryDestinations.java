package io.keelmq.jms;

import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.IllegalStateException;
import jakarta.jms.InvalidDestinationException;
import jakarta.jms.JMSException;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temporary destinations of one connection (spec 6.2.2). Names are made unique by the connection's random id;
 * the broker owns them by connection and deletes them when it closes, so nothing needs deleting on close here.
 */
final class TemporaryDestinations {
    private final KeelConnection connection;
    private final Set<KeelDestination> live = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();

    TemporaryDestinations(KeelConnection connection) {
        this.connection = connection;
    }

    KeelTemporaryQueue createQueue() throws JMSException {
        KeelTemporaryQueue queue = new KeelTemporaryQueue(nextName(), connection);
        create(queue);
        return queue;
    }

    KeelTemporaryTopic createTopic() throws JMSException {
        KeelTemporaryTopic topic = new KeelTemporaryTopic(nextName(), connection);
        create(topic);
        return topic;
    }

    private String nextName() {
        return "tmp." + connection.uuid() + "." + counter.incrementAndGet();
    }

    private void create(KeelDestination destination) throws JMSException {
        connection.checkClosed();
        connection.markUsed();
        connection.provider().createDestination(destination.toRef());
        live.add(destination);
    }

    /** Whether this connection created {@code destination} and has not deleted it. */
    boolean isLive(KeelDestination destination) {
        return live.contains(destination);
    }

    /**
     * TemporaryQueue/TemporaryTopic.delete: refused while one of this connection's consumers still uses it (the
     * broker refuses it too while any consumer does).
     */
    static void delete(KeelDestination destination, KeelConnection owner) throws JMSException {
        if (owner == null) {
            throw new InvalidDestinationException(destination + " can only be deleted through the object its "
                    + "connection's createTemporary" + (destination.kind() == DestinationRef.Kind.TEMPORARY_QUEUE
                    ? "Queue" : "Topic") + "() returned");
        }
        owner.checkClosed();
        TemporaryDestinations registry = owner.temporaries();
        if (!registry.live.contains(destination)) {
            throw new InvalidDestinationException(destination + " has already been deleted");
        }
        if (owner.hasConsumerOn(destination)) {
            throw new IllegalStateException(destination + " still has an open consumer; close it before deleting "
                    + "the temporary destination");
        }
        owner.provider().deleteDestination(destination.toRef());
        registry.live.remove(destination);
    }
}
