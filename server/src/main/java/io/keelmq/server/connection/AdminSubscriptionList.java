package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.admin.SubscriptionSummary;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.consume.SubscriptionKind;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.Permission;
import io.keelmq.store.MessageStore;
import io.keelmq.store.position.PartitionPosition;
import io.keelmq.store.position.SubscriptionPositions;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * ADMIN {@code subscription-list}: every subscription on a destination the user may {@code manage}, with what names it
 * for {@code subscription-reset} (client id and name), its open consumers and its pending messages.
 */
final class AdminSubscriptionList {
    static final String COMMAND = "subscription-list";

    private AdminSubscriptionList() {
    }

    static void list(Connection connection, Frame request) {
        Authorizer authorizer = connection.services().authorizer();
        List<SubscriptionSummary> summaries = new ArrayList<>();
        for (Subscription subscription : connection.services().subscriptions().all()) {
            Destination destination = subscription.destination();
            if (authorizer != null && !authorizer.allows(connection.user(), Permission.MANAGE, destination.name())) {
                continue;
            }
            boolean named = subscription.kind() != SubscriptionKind.QUEUE
                    && subscription.kind() != SubscriptionKind.NON_DURABLE;
            summaries.add(new SubscriptionSummary(subscription.kind().name(),
                    named ? subscription.spec().clientId() : null, named ? subscription.spec().name() : null,
                    destination.kind(), destination.name(), subscription.consumers().size(),
                    pending(connection.services().store(), subscription)));
        }
        summaries.sort(Comparator.comparing(SubscriptionSummary::destination)
                .thenComparing(SubscriptionSummary::kind)
                .thenComparing(s -> s.clientId() == null ? "" : s.clientId())
                .thenComparing(s -> s.name() == null ? "" : s.name()));
        connection.respond(request, Map.of(), SubscriptionSummary.encode(summaries));
    }

    /** Messages not yet acknowledged by the subscription, as destination-list counts a queue's. */
    private static long pending(MessageStore store, Subscription subscription) {
        SubscriptionPositions.Subscription positions = subscription.isPersisted()
                ? store.positions().find(subscription.key()) : null;
        String name = subscription.destination().storeName();
        long pending = 0;
        for (int p = 0; p < subscription.destination().partitions(); p++) {
            long min = store.minQueueOffset(name, p);
            long max = store.maxQueueOffset(name, p);
            PartitionPosition position = positions == null ? null : positions.partitions().get(p);
            long from = Math.max(min, position == null ? subscription.lowWatermark(p) : position.lowWatermark());
            pending += Math.max(0, max - from - (position == null ? 0 : position.ackedAboveCount()));
        }
        return pending;
    }
}
