package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.consume.AckMode;
import io.keelmq.server.consume.ConsumerState;
import io.keelmq.server.consume.PartitionOffset;
import io.keelmq.server.consume.SessionState;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.message.DeliveryCodec;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** CREATE_SESSION, CLOSE_SESSION, RECOVER; COMMIT and ROLLBACK are reserved for transacted sessions. */
final class SessionRequests {

    private SessionRequests() {
    }

    static void createSession(Connection connection, Frame request) {
        long sessionId = Headers.requiredLong(request, "sessionId");
        AckMode mode;
        try {
            mode = AckMode.parse(Headers.required(request, "ackMode"));
        } catch (IllegalArgumentException e) {
            throw Headers.malformed(request, e.getMessage());
        }
        if (connection.sessions().putIfAbsent(sessionId, new SessionState(sessionId, mode)) != null) {
            throw RequestException.illegalState("session " + sessionId + " already exists on this connection");
        }
        connection.respond(request);
    }

    static void closeSession(Connection connection, Frame request) {
        SessionState session = session(connection, request);
        release(connection, session, DeliveryCodec.decodeUndelivered(request.body()), true);
        connection.sessions().remove(session.id());
        connection.respond(request);
    }

    static void recover(Connection connection, Frame request) {
        SessionState session = session(connection, request);
        release(connection, session, DeliveryCodec.decodeUndelivered(request.body()), false);
        connection.respond(request);
    }

    static void transactionsNotSupported(Connection connection, Frame request) {
        throw new RequestException(ErrorCode.ILLEGAL_STATE, "transactions are not supported yet");
    }

    /**
     * Releases every message in flight for the session: those in {@code undelivered} (never
     * handed to the application) without a delivery-count increment, all others with one.
     * With {@code close}, the session's consumers are closed too.
     */
    static void release(Connection connection, SessionState session, List<DeliveryCodec.MessageRef> undelivered,
                        boolean close) {
        Set<DeliveryCodec.MessageRef> uncounted = new HashSet<>(undelivered);
        Set<Subscription> touched = new LinkedHashSet<>();
        for (ConsumerState consumer : session.consumers()) {
            Subscription subscription = consumer.subscription();
            if (close) {
                ConsumerRequests.closeConsumerState(connection, consumer);
            }
            for (PartitionOffset ref : subscription.inFlightOf(consumer)) {
                boolean increment = !uncounted.contains(
                        new DeliveryCodec.MessageRef(consumer.id(), ref.partition(), ref.offset()));
                subscription.release(consumer, ref.partition(), ref.offset(), increment);
            }
            touched.add(subscription);
            if (close || consumer.isClosed()) {
                session.remove(consumer);
                connection.consumers().remove(consumer.id(), consumer);
            }
        }
        for (Subscription subscription : touched) {
            connection.services().pulls().wake(subscription);
        }
    }

    private static SessionState session(Connection connection, Frame request) {
        long sessionId = Headers.requiredLong(request, "sessionId");
        SessionState session = connection.sessions().get(sessionId);
        if (session == null) {
            throw RequestException.notFound("session " + sessionId + " does not exist on this connection");
        }
        return session;
    }
}
