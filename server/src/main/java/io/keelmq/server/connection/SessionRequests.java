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
import io.keelmq.server.tx.ReplicationWait;
import io.keelmq.server.tx.Transaction;
import io.keelmq.server.tx.TransactionService;
import io.keelmq.server.tx.XaXid;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.concurrent.CompletionException;

/** CREATE_SESSION, CLOSE_SESSION, RECOVER, and COMMIT and ROLLBACK of transacted sessions. */
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
        SessionState session = new SessionState(sessionId, mode);
        if (connection.sessions().putIfAbsent(sessionId, session) != null) {
            throw RequestException.illegalState("session " + sessionId + " already exists on this connection");
        }
        if (session.isTransacted()) {
            session.swapTransaction(connection.services().transactions().begin());
        }
        connection.respond(request);
    }

    static void closeSession(Connection connection, Frame request) {
        SessionState session = session(connection, request);
        release(connection, session, DeliveryCodec.decodeUndelivered(request.body()), true);
        endTransaction(connection, session);
        connection.sessions().remove(session.id());
        connection.respond(request);
    }

    /** A transacted session that closes or loses its connection rolls its open transaction back. */
    static void endTransaction(Connection connection, SessionState session) {
        XaXid branch = session.xaBranch();
        if (branch != null) {
            // Ended without XA_END: the branch's work of this session is lost, so the branch can only roll back.
            session.xaBranch(null);
            connection.services().xa().abandoned(branch);
        }
        Transaction open = session.swapTransaction(null);
        if (open != null) {
            connection.services().transactions().rollback(open);
        }
    }

    static void recover(Connection connection, Frame request) {
        SessionState session = session(connection, request);
        release(connection, session, DeliveryCodec.decodeUndelivered(request.body()), false);
        connection.respond(request);
    }

    /**
     * COMMIT: the open transaction ends and a new one begins at once (later sends belong to it); the
     * ended one is committed, then the consumed messages of the body are acknowledged and the request
     * answered, in order with the connection's other requests.
     */
    static void commit(Connection connection, Frame request) {
        SessionState session = transactedSession(connection, request, "COMMIT");
        refuseInBranch(session, "COMMIT");
        List<DeliveryCodec.MessageRef> consumed = DeliveryCodec.decodeUndelivered(request.body());
        TransactionService transactions = connection.services().transactions();
        Transaction committing = session.swapTransaction(transactions.begin());
        transactions.commit(committing).whenComplete((shortfall, failure) -> connection.requests().execute(() -> {
            if (failure == null) {
                acknowledge(connection, consumed);
                transactions.done(committing);
                if (shortfall == null) {
                    connection.respond(request);
                } else {
                    connection.fail(request, new RequestException(ErrorCode.INTERNAL,
                            ReplicationWait.unconfirmed("the commit of " + committing, shortfall)));
                }
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            connection.fail(request, cause instanceof RequestException known ? known
                    : new RequestException(ErrorCode.INTERNAL, "COMMIT failed in the broker: " + cause, cause));
        }));
    }

    /**
     * ROLLBACK: the open transaction's sends are dropped; the consumed messages the body lists are released with a
     * delivery-count increment, every other message in flight for the session without one. Listing what was
     * consumed (not what was not) matters here: a delivery the broker sent just before the ROLLBACK arrived never
     * reached the application, and must not come back marked redelivered.
     */
    static void rollback(Connection connection, Frame request) {
        SessionState session = transactedSession(connection, request, "ROLLBACK");
        refuseInBranch(session, "ROLLBACK");
        Set<DeliveryCodec.MessageRef> consumed = new HashSet<>(DeliveryCodec.decodeUndelivered(request.body()));
        TransactionService transactions = connection.services().transactions();
        transactions.rollback(session.swapTransaction(transactions.begin()));
        release(connection, session, consumed::contains, false);
        connection.respond(request);
    }

    /** Acknowledges each listed message still in flight to its consumer (closed consumers included). */
    private static void acknowledge(Connection connection, List<DeliveryCodec.MessageRef> consumed) {
        for (DeliveryCodec.MessageRef ref : consumed) {
            ConsumerState consumer = connection.consumers().get(ref.consumerId());
            if (consumer != null) {
                consumer.subscription().ack(consumer, ref.partition(), ref.queueOffset());
                if (consumer.subscription().takeGroupsFreed()) {
                    connection.services().pulls().wake(consumer.subscription());
                }
                ConsumerRequests.forgetIfDone(connection, consumer);
            }
        }
    }

    /** A session's work inside an XA branch is decided by the transaction manager, not by COMMIT or ROLLBACK. */
    private static void refuseInBranch(SessionState session, String what) {
        if (session.xaBranch() != null) {
            throw new RequestException(ErrorCode.XA_PROTO, what + " on session " + session.id()
                    + " whose work belongs to XA branch " + session.xaBranch() + ": the transaction manager decides it");
        }
    }

    static SessionState transactedSession(Connection connection, Frame request, String what) {
        SessionState session = session(connection, request);
        if (!session.isTransacted()) {
            throw RequestException.illegalState(what + " on session " + session.id() + " which is not transacted ("
                    + session.ackMode() + ")");
        }
        return session;
    }

    /**
     * Releases every message in flight for the session: those in {@code undelivered} (never
     * handed to the application) without a delivery-count increment, all others with one.
     * With {@code close}, the session's consumers are closed too.
     */
    static void release(Connection connection, SessionState session, List<DeliveryCodec.MessageRef> undelivered,
                        boolean close) {
        Set<DeliveryCodec.MessageRef> uncounted = new HashSet<>(undelivered);
        release(connection, session, ref -> !uncounted.contains(ref), close);
    }

    /** Releases every message in flight for the session, with a delivery-count increment where {@code counted} says. */
    private static void release(Connection connection, SessionState session,
                                Predicate<DeliveryCodec.MessageRef> counted, boolean close) {
        Set<Subscription> touched = new LinkedHashSet<>();
        for (ConsumerState consumer : session.consumers()) {
            Subscription subscription = consumer.subscription();
            if (close) {
                ConsumerRequests.closeConsumerState(connection, consumer);
            }
            for (PartitionOffset ref : subscription.inFlightOf(consumer)) {
                if (close && connection.services().xa().holds(consumer, ref.partition(), ref.offset())) {
                    continue; // consumed in an ended XA branch: locked until its transaction manager decides
                }
                boolean increment = counted.test(
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

    static SessionState session(Connection connection, Frame request) {
        long sessionId = Headers.requiredLong(request, "sessionId");
        SessionState session = connection.sessions().get(sessionId);
        if (session == null) {
            throw RequestException.notFound("session " + sessionId + " does not exist on this connection");
        }
        return session;
    }
}
