package io.keelmq.server.connection;

import io.keelmq.protocol.frame.AckBody;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.protocol.selector.SelectorParseException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.consume.BrowseService;
import io.keelmq.server.consume.ConsumerRequest;
import io.keelmq.server.consume.ConsumerState;
import io.keelmq.server.consume.HeldPull;
import io.keelmq.server.consume.SessionState;
import io.keelmq.server.consume.StartPosition;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.message.Delivery;
import io.keelmq.server.message.DeliveryCodec;
import io.keelmq.server.security.Permission;

import java.util.List;
import java.util.Map;

/** CREATE_CONSUMER, CLOSE_CONSUMER, PULL, CREDIT, ACK, UNSUBSCRIBE and BROWSE. */
final class ConsumerRequests {
    /** Room left in an answer frame for its headers. */
    private static final int ANSWER_OVERHEAD = 64 * 1024;
    /** The header of a standing pull's partial answer: more answers follow. */
    private static final Map<String, String> MORE = Map.of("more", "true");

    private ConsumerRequests() {
    }

    static void createConsumer(Connection connection, Frame request) {
        SessionState session = connection.sessions().get(Headers.requiredLong(request, "sessionId"));
        if (session == null) {
            throw RequestException.notFound("session " + request.header("sessionId") + " does not exist");
        }
        long consumerId = Headers.requiredLong(request, "consumerId");
        if (connection.consumers().containsKey(consumerId)) {
            throw RequestException.illegalState("consumer " + consumerId + " already exists on this connection");
        }
        checkConsumerLimit(connection, session);
        Selector selector = selector(request);
        DestinationRef.Kind kind = kind(request, Headers.required(request, "destinationKind"));
        String name = Headers.required(request, "destination");
        // Checked before the destination is resolved, so a refused consumer does not auto-create it either.
        connection.authorize(Permission.CONSUME, kind, name);
        boolean durable = Headers.bool(request, "durable");
        if (durable) {
            connection.authorize(Permission.CREATE_DURABLE_SUBSCRIPTION, kind, name);
        }
        Destination destination = resolve(connection, kind, name);
        ConsumerState consumer = connection.services().subscriptions().open(new ConsumerRequest(consumerId,
                connection.id(), connection.clientId(), session, destination, selector, Headers.bool(request, "noLocal"),
                Headers.optional(request, "subscriptionName"), durable, Headers.bool(request, "shared"),
                StartPosition.parse(Headers.optional(request, "consumeFromWhere"),
                        Headers.optional(request, "consumeTimestamp"), System.currentTimeMillis())));
        session.add(consumer);
        connection.consumers().put(consumerId, consumer);
        connection.respond(request);
    }

    /** A session may hold maxConsumersPerSession open consumers; closed ones still holding messages do not count. */
    private static void checkConsumerLimit(Connection connection, SessionState session) {
        int limit = connection.services().config().get(ConfigKeys.MAX_CONSUMERS_PER_SESSION);
        long open = session.consumers().stream().filter(c -> !c.isClosed()).count();
        if (open >= limit) {
            throw new RequestException(ErrorCode.LIMIT_EXCEEDED, "session " + session.id() + " already has " + open
                    + " open consumers: maxConsumersPerSession is " + limit);
        }
    }

    static void closeConsumer(Connection connection, Frame request) {
        ConsumerState consumer = consumer(connection, request);
        Subscription subscription = consumer.subscription();
        for (DeliveryCodec.MessageRef ref : DeliveryCodec.decodeUndelivered(request.body())) {
            ConsumerState owner = connection.consumers().get(ref.consumerId());
            if (owner != null) {
                owner.subscription().release(owner, ref.partition(), ref.queueOffset(), false);
            }
        }
        closeConsumerState(connection, consumer);
        forgetIfDone(connection, consumer);
        connection.services().pulls().wake(subscription);
        connection.respond(request);
    }

    /** Ends a consumer's part in its subscription; its messages in flight stay with its session. */
    static void closeConsumerState(Connection connection, ConsumerState consumer) {
        if (!consumer.isClosed()) {
            connection.services().subscriptions().close(consumer);
        }
        connection.services().pulls().cancel(consumer, true);
    }

    /** A closed consumer is forgotten once nothing it received is still in flight. */
    static void forgetIfDone(Connection connection, ConsumerState consumer) {
        if (consumer.isClosed() && consumer.subscription().inFlightOf(consumer).isEmpty()) {
            consumer.session().remove(consumer);
            connection.consumers().remove(consumer.id(), consumer);
        }
    }

    static void pull(Connection connection, Frame request) throws Exception {
        ConsumerState consumer = consumer(connection, request);
        if (consumer.isClosed()) {
            throw RequestException.illegalState("consumer " + consumer.id() + " is closed");
        }
        int maxMessages = Headers.optionalInt(request, "maxMessages", 32);
        long maxBytes = Headers.optionalLong(request, "maxBytes", Long.MAX_VALUE);
        long hold = Headers.optionalLong(request, "holdMillis", 0);
        long standingId = Headers.optionalLong(request, "standing", 0);
        connection.services().pulls().pull(consumer, standingId, maxMessages, maxBytes, answerLimit(connection), hold,
                connection.requests(), new HeldPull.Answer() {
                    @Override
                    public void partial(List<Delivery> deliveries) {
                        connection.respondWritten(request, MORE, DeliveryCodec.deliveries(deliveries));
                    }

                    @Override
                    public void last(List<Delivery> deliveries) {
                        connection.respondWritten(request, Map.of(), DeliveryCodec.deliveries(deliveries));
                    }
                });
    }

    /**
     * CREDIT (ONEWAY): widens a standing pull's window. For a consumer closed or gone meanwhile it does nothing: its
     * standing pull has ended, and a client sends CREDIT without waiting for anything.
     */
    static void credit(Connection connection, Frame request) {
        ConsumerState consumer = connection.consumers().get(Headers.requiredLong(request, "consumerId"));
        if (consumer == null || consumer.isClosed()) {
            return;
        }
        connection.services().pulls().credit(consumer, Headers.requiredLong(request, "standing"),
                Headers.requiredLong(request, "messages"), Headers.requiredLong(request, "bytes"));
    }

    static boolean isAck(Frame frame) {
        return !frame.isResponse() && frame.code() == RequestCode.ACK.code();
    }

    /** ACK in its compact form (no headers, see {@link AckBody}) or its older one (headers and a positions list). */
    static void ack(Connection connection, Frame request) {
        AckBody ack;
        if (request.headers().isEmpty()) {
            ack = AckBody.decode(request.body());
        } else {
            List<DeliveryCodec.Position> positions = DeliveryCodec.decodePositions(request.body());
            int[] partitions = new int[positions.size()];
            long[] queueOffsets = new long[positions.size()];
            for (int i = 0; i < partitions.length; i++) {
                partitions[i] = positions.get(i).partition();
                queueOffsets[i] = positions.get(i).queueOffset();
            }
            ack = new AckBody(Headers.requiredLong(request, "consumerId"), Headers.bool(request, "cumulative"),
                    partitions, queueOffsets);
        }
        ConsumerState consumer = connection.consumers().get(ack.consumerId());
        if (consumer == null) {
            // A closed consumer is forgotten once nothing it delivered is in flight (all acknowledged or released
            // by RECOVER/CLOSE_SESSION), which the client cannot see: an ACK for it has nothing left to do.
            connection.respond(request);
            return;
        }
        Subscription subscription = consumer.subscription();
        for (int i = 0; i < ack.partitions().length; i++) {
            if (ack.cumulative()) {
                subscription.ackUpTo(consumer, ack.partitions()[i], ack.queueOffsets()[i]);
            } else {
                subscription.ack(consumer, ack.partitions()[i], ack.queueOffsets()[i]);
            }
        }
        if (subscription.takeGroupsFreed()) {
            connection.services().pulls().wake(subscription);
        }
        forgetIfDone(connection, consumer);
        connection.respond(request);
    }

    /** UNSUBSCRIBE: removing a durable subscription takes the permission that creating one does. */
    static void unsubscribe(Connection connection, Frame request) {
        connection.services().subscriptions().unsubscribe(connection.clientId(),
                Headers.required(request, "subscriptionName"),
                topic -> connection.authorize(Permission.CREATE_DURABLE_SUBSCRIPTION, topic.kind(), topic.name()));
        connection.respond(request);
    }

    static void browse(Connection connection, Frame request) throws Exception {
        String kindText = Headers.optional(request, "destinationKind");
        DestinationRef.Kind kind = kindText == null ? DestinationRef.Kind.QUEUE : kind(request, kindText);
        if (!kind.isQueue()) {
            throw RequestException.illegalState("only queues can be browsed, not a " + kind);
        }
        String name = Headers.required(request, "destination");
        Selector selector = selector(request);
        connection.authorize(Permission.BROWSE, kind, name);
        Destination destination = connection.services().destinations().find(kind, name);
        Subscription queue = destination == null ? null : connection.services().subscriptions()
                .queueSubscription(destination);
        if (queue == null) {
            if (kind == DestinationRef.Kind.TEMPORARY_QUEUE) {
                // A temporary queue that is gone was deleted: browsing it is an error, not an empty queue.
                throw RequestException.notFound(DestinationRegistry.describe(kind, name) + " does not exist");
            }
            // A queue nobody sent to yet is merely empty; queues come into being on first use.
            connection.respond(request, Map.of(), DeliveryCodec.encodeBrowse(List.of(), -1, -1));
            return;
        }
        BrowseService.Page page = connection.services().browser().browse(queue, selector,
                Headers.optionalInt(request, "fromPartition", 0), Headers.optionalLong(request, "fromOffset", 0),
                Headers.optionalInt(request, "maxMessages", 32), answerLimit(connection));
        connection.respond(request, Map.of(),
                DeliveryCodec.encodeBrowse(page.deliveries(), page.nextPartition(), page.nextOffset()));
    }

    // ------------------------------------------------------------------ helpers

    private static ConsumerState consumer(Connection connection, Frame request) {
        long consumerId = Headers.requiredLong(request, "consumerId");
        ConsumerState consumer = connection.consumers().get(consumerId);
        if (consumer == null) {
            throw RequestException.notFound("consumer " + consumerId + " does not exist on this connection");
        }
        return consumer;
    }

    private static Selector selector(Frame request) {
        try {
            return Selector.parse(Headers.optional(request, "selector"));
        } catch (SelectorParseException e) {
            throw new RequestException(ErrorCode.INVALID_SELECTOR, "invalid selector '" + e.getSelector() + "': "
                    + e.getMessage());
        }
    }

    private static Destination resolve(Connection connection, DestinationRef.Kind kind, String name) {
        if (name.isEmpty()) {
            throw RequestException.notFound("the destination name is empty");
        }
        return connection.services().destinations().resolve(kind, name);
    }

    static DestinationRef.Kind kind(Frame request, String text) {
        try {
            return Destination.parseKind(text);
        } catch (IllegalArgumentException e) {
            throw Headers.malformed(request, "destinationKind '" + text
                    + "' is not QUEUE, TOPIC, TEMPORARY_QUEUE or TEMPORARY_TOPIC");
        }
    }

    /** Deliveries per answer stay within what the client's frame decoder accepts. */
    private static long answerLimit(Connection connection) {
        return connection.services().config().frameLimits().maxFrameSize() - ANSWER_OVERHEAD;
    }

}
