package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.admin.DeadLetterSummary;
import io.keelmq.server.admin.DestinationSummary;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.redelivery.DeadLetterQueues;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.Permission;
import io.keelmq.store.MessageStore;
import io.keelmq.store.position.PartitionPosition;
import io.keelmq.store.position.SubscriptionPositions;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * ADMIN: administration of the running broker ({@code bin/keel-admin --url ...}). With authorization, a user needs
 * {@code manage} on some destination to be answered at all, and sees only the destinations they may manage.
 * Commands (header {@code command}): {@value #DESTINATION_LIST}, {@value AdminMessageQuery#COMMAND}
 * ({@link AdminMessageQuery}), {@value AdminSubscriptionList#COMMAND} ({@link AdminSubscriptionList}),
 * {@value AdminSubscriptionReset#COMMAND} ({@link AdminSubscriptionReset}),
 * and {@value #DLQ_LIST}, {@value #DLQ_RESEND},
 * {@value #DLQ_PURGE} (header {@code queue}: the dead-letter queue, which the user must be allowed to manage;
 * optional {@code id}: one JMSMessageID; optional {@code limit}: at most that many messages), and the
 * {@code transaction-} commands ({@link AdminTransactions}), and the {@code ha-} commands ({@link AdminHa}).
 */
final class AdminRequests {
    static final String DESTINATION_LIST = "destination-list";
    static final String DLQ_LIST = "dlq-list";
    static final String DLQ_RESEND = "dlq-resend";
    static final String DLQ_PURGE = "dlq-purge";
    private static final String KNOWN = String.join(", ", DESTINATION_LIST, AdminMessageQuery.COMMAND,
            AdminSubscriptionList.COMMAND, AdminSubscriptionReset.COMMAND, DLQ_LIST, DLQ_RESEND, DLQ_PURGE,
            AdminTransactions.LIST, AdminTransactions.COMMIT, AdminTransactions.ROLLBACK);
    /** Dead letters a dlq-list answers with at most, unless the request asks for fewer. */
    private static final int MAX_LISTED = 10_000;

    private AdminRequests() {
    }

    static void admin(Connection connection, Frame request) {
        String command = Headers.required(request, "command");
        Authorizer authorizer = connection.services().authorizer();
        if (authorizer != null && !authorizer.grantsAnywhere(connection.user(), Permission.MANAGE)) {
            throw new RequestException(ErrorCode.SECURITY, "user '" + connection.user() + "' is not allowed to "
                    + Permission.MANAGE + " on any destination");
        }
        if (command.startsWith("transaction-")) {
            AdminTransactions.handle(connection, request, command);
            return;
        }
        if (command.startsWith("ha-")) {
            AdminHa.handle(connection, request, command);
            return;
        }
        if (command.startsWith("dlq-")) {
            deadLetters(connection, request, command, authorizer);
            return;
        }
        switch (command) {
            case DESTINATION_LIST -> listDestinations(connection, request);
            case AdminMessageQuery.COMMAND -> AdminMessageQuery.query(connection, request);
            case AdminSubscriptionList.COMMAND -> AdminSubscriptionList.list(connection, request);
            case AdminSubscriptionReset.COMMAND -> AdminSubscriptionReset.reset(connection, request);
            default -> throw RequestException.notFound("unknown ADMIN command '" + command + "' (known: " + KNOWN + ")");
        }
    }

    private static void listDestinations(Connection connection, Frame request) {
        Authorizer authorizer = connection.services().authorizer();
        List<DestinationSummary> summaries = new ArrayList<>();
        for (Destination destination : connection.services().destinations().all()) {
            if (authorizer == null || authorizer.allows(connection.user(), Permission.MANAGE, destination.name())) {
                summaries.add(summarize(connection.services(), destination));
            }
        }
        summaries.sort(Comparator.comparing(DestinationSummary::name).thenComparing(DestinationSummary::kind));
        connection.respond(request, Map.of(), DestinationSummary.encode(summaries));
    }

    private static void deadLetters(Connection connection, Frame request, String command, Authorizer authorizer) {
        String queue = Headers.required(request, "queue");
        if (authorizer != null && !authorizer.allows(connection.user(), Permission.MANAGE, queue)) {
            throw new RequestException(ErrorCode.SECURITY, "user '" + connection.user() + "' is not allowed to "
                    + Permission.MANAGE + " " + queue);
        }
        String id = Headers.optional(request, "id");
        int limit = Headers.optionalInt(request, "limit", Integer.MAX_VALUE);
        if (limit <= 0) {
            throw Headers.malformed(request, "limit must be positive, not " + limit);
        }
        BrokerServices services = connection.services();
        DeadLetterQueues queues = new DeadLetterQueues(services.store(), services.destinations(),
                services.subscriptions(), Clock.systemUTC());
        try {
            switch (command) {
                case DLQ_LIST -> connection.respond(request, Map.of(),
                        DeadLetterSummary.encode(queues.list(queue, id, Math.min(limit, MAX_LISTED))));
                case DLQ_RESEND -> {
                    int resent = queues.resend(queue, id, limit);
                    if (resent > 0) {
                        services.pulls().wake(services.subscriptions().queueSubscription(
                                services.destinations().find(DestinationRef.Kind.QUEUE, queue)));
                    }
                    connection.respond(request, Map.of("count", Integer.toString(resent)), null);
                }
                case DLQ_PURGE -> connection.respond(request,
                        Map.of("count", Integer.toString(queues.purge(queue, id, limit))), null);
                default -> throw RequestException.notFound("unknown ADMIN command '" + command + "' (known: " + KNOWN
                        + ")");
            }
        } catch (IOException e) {
            throw new RequestException(ErrorCode.INTERNAL, command + " on " + queue + " failed: " + e.getMessage(), e);
        }
    }

    private static DestinationSummary summarize(BrokerServices services, Destination destination) {
        MessageStore store = services.store();
        Subscription queue = services.subscriptions().queueSubscription(destination);
        SubscriptionPositions.Subscription positions = queue == null ? null : store.positions().find(queue.key());
        long messages = 0;
        for (int p = 0; p < destination.partitions(); p++) {
            long min = store.minQueueOffset(destination.storeName(), p);
            long max = store.maxQueueOffset(destination.storeName(), p);
            if (queue == null) {
                messages += Math.max(0, max - min);
                continue;
            }
            PartitionPosition position = positions == null ? null : positions.partitions().get(p);
            if (position == null) {
                messages += Math.max(0, max - min);
            } else {
                long from = Math.max(min, position.lowWatermark());
                messages += Math.max(0, max - from - position.ackedAboveCount());
            }
        }
        int consumers = 0;
        for (Subscription subscription : services.subscriptions().onDestination(destination.storeName())) {
            consumers += subscription.consumers().size();
        }
        return new DestinationSummary(destination.kind(), destination.name(), destination.partitions(), messages,
                consumers);
    }
}
