package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.admin.PositionChange;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;
import io.keelmq.store.MessageStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ADMIN {@code subscription-reset}: moves a queue's or a durable subscription's position to the first message stored
 * at or after a time (RocketMQ's consumer offset reset by timestamp), back to re-consume or forward to skip. Every
 * partition starts at that message; the messages from there on are delivered again as new deliveries, those before it
 * count as acknowledged. Refused while the subscription has open consumers or messages in flight (see
 * {@link Subscription#resetTo}); needs {@code manage} on the destination.
 */
final class AdminSubscriptionReset {
    static final String COMMAND = "subscription-reset";

    private AdminSubscriptionReset() {
    }

    static void reset(Connection connection, Frame request) {
        long timestamp = Headers.requiredLong(request, "timestamp");
        Subscription subscription = target(connection, request);
        Destination destination = subscription.destination();
        MessageStore store = connection.services().store();
        long[] offsets = new long[destination.partitions()];
        try {
            for (int p = 0; p < offsets.length; p++) {
                offsets[p] = Math.max(store.minQueueOffset(destination.storeName(), p),
                        store.queueOffsetAtTime(destination.storeName(), p, timestamp));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the offsets of " + destination + " at " + timestamp, e);
        }
        long[] before;
        try {
            before = subscription.resetTo(offsets);
        } catch (IllegalStateException e) {
            throw RequestException.illegalState(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist the reset positions of " + subscription, e);
        }
        List<PositionChange> changes = new ArrayList<>();
        for (int p = 0; p < offsets.length; p++) {
            changes.add(new PositionChange(p, before[p], offsets[p]));
        }
        connection.respond(request, Map.of(), PositionChange.encode(changes));
    }

    /** The durable subscription ({@code subscriptionName}, {@code clientId}) or queue ({@code destination}) named. */
    private static Subscription target(Connection connection, Frame request) {
        String subscriptionName = Headers.optional(request, "subscriptionName");
        if (subscriptionName != null) {
            String clientId = Headers.optional(request, "clientId");
            Subscription subscription = connection.services().subscriptions().durableSubscription(clientId,
                    subscriptionName);
            if (subscription == null) {
                throw RequestException.notFound("no durable subscription '" + subscriptionName + "'"
                        + (clientId == null ? " without client id" : " for client id '" + clientId + "'"));
            }
            Destination topic = subscription.destination();
            connection.authorize(Permission.MANAGE, topic.kind(), topic.name());
            return subscription;
        }
        String name = Headers.optional(request, "destination");
        if (name == null) {
            throw RequestException.illegalState("name a queue (destination) or a durable subscription "
                    + "(subscriptionName, clientId) to reset");
        }
        DestinationRef.Kind kind = Destination.parseKind(Headers.required(request, "destinationKind"));
        if (kind != DestinationRef.Kind.QUEUE) {
            throw RequestException.illegalState("only a queue or a durable subscription can be reset, not "
                    + kind.name().toLowerCase(Locale.ROOT) + " '" + name + "'; reset a topic's durable subscriptions "
                    + "one by one");
        }
        connection.authorize(Permission.MANAGE, kind, name);
        Destination queue = connection.services().destinations().find(kind, name);
        Subscription subscription = queue == null ? null : connection.services().subscriptions()
                .queueSubscription(queue);
        if (subscription == null) {
            throw RequestException.notFound("queue '" + name + "' does not exist");
        }
        return subscription;
    }
}
