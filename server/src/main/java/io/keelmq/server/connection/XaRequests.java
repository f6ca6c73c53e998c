package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.consume.ConsumerState;
import io.keelmq.server.consume.SessionState;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.message.DeliveryCodec;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.tx.ConsumedMessages;
import io.keelmq.server.tx.HeldMessage;
import io.keelmq.server.tx.Transaction;
import io.keelmq.server.tx.XaBranches;
import io.keelmq.server.tx.XaXid;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * XA_START ... XA_FORGET (protocol/README.md, "XA"): the wire side of {@link XaBranches}. The branch is named by the
 * headers {@code formatId}, {@code gtrid}, {@code bqual} (hex).
 */
final class XaRequests {

    private XaRequests() {
    }

    static void start(Connection connection, Frame request) {
        SessionState session = SessionRequests.transactedSession(connection, request, "XA_START");
        XaXid xid = xid(request);
        if (session.xaBranch() != null) {
            throw new RequestException(ErrorCode.XA_PROTO, "session " + session.id() + " is associated with XA branch "
                    + session.xaBranch() + " already; end it first");
        }
        Transaction open = session.transaction();
        if (open != null && !open.isEmpty()) {
            throw new RequestException(ErrorCode.XA_PROTO, "session " + session.id() + " has sent messages outside "
                    + "an XA branch; they would silently join " + xid);
        }
        connection.services().xa().start(xid, Headers.optionalInt(request, "flags", XaBranches.TMNOFLAGS),
                Headers.optionalInt(request, "timeout", 0));
        session.xaBranch(xid);
        connection.respond(request);
    }

    static void end(Connection connection, Frame request) {
        SessionState session = SessionRequests.transactedSession(connection, request, "XA_END");
        XaXid xid = xid(request);
        if (!xid.equals(session.xaBranch())) {
            throw new RequestException(ErrorCode.XA_PROTO, "session " + session.id() + " is not associated with XA "
                    + "branch " + xid + (session.xaBranch() == null ? "" : " but with " + session.xaBranch()));
        }
        List<DeliveryCodec.MessageRef> refs = DeliveryCodec.decodeUndelivered(request.body());
        Transaction part = session.swapTransaction(connection.services().transactions().begin());
        session.xaBranch(null);
        connection.services().xa().end(xid, Headers.optionalInt(request, "flags", XaBranches.TMSUCCESS), part,
                consumed(connection, session, refs));
        connection.respond(request);
    }

    static void prepare(Connection connection, Frame request) {
        answerLater(connection, request, connection.services().xa().prepare(xid(request)),
                readOnly -> Map.of("vote", readOnly ? "RDONLY" : "OK"));
    }

    static void commit(Connection connection, Frame request) {
        boolean onePhase = Boolean.parseBoolean(Headers.optional(request, "onePhase"));
        answerLater(connection, request, connection.services().xa().commit(xid(request), onePhase), done -> Map.of());
    }

    static void rollback(Connection connection, Frame request) {
        answerLater(connection, request, connection.services().xa().rollback(xid(request)), done -> Map.of());
    }

    /** Body: the prepared and heuristically completed Xids, one {@code FORMATID:GTRID_HEX:BQUAL_HEX} a line (UTF-8). */
    static void recover(Connection connection, Frame request) {
        String lines = connection.services().xa().recoverable().stream().map(XaXid::toString)
                .collect(Collectors.joining("\n"));
        connection.respond(request, Map.of(), lines.getBytes(StandardCharsets.UTF_8));
    }

    static void forget(Connection connection, Frame request) {
        answerLater(connection, request, connection.services().xa().forget(xid(request)), done -> Map.of());
    }

    /**
     * The consumed messages of the ending part, resolved to their consumers now: a commit or rollback may come on
     * another connection (the transaction manager's), and still acknowledges or releases them here.
     */
    private static ConsumedMessages consumed(Connection connection, SessionState session,
                                             List<DeliveryCodec.MessageRef> refs) {
        if (refs.isEmpty()) {
            return ConsumedMessages.NONE;
        }
        List<ConsumerState> consumers = refs.stream().map(ref -> connection.consumers().get(ref.consumerId())).toList();
        return new ConsumedMessages() {
            /** By the consumers resolved at XA_END: after their connection closed they are no longer in its table. */
            @Override
            public CompletableFuture<Void> acknowledge() {
                CompletableFuture<Void> acknowledged = new CompletableFuture<>();
                connection.requests().execute(() -> {
                    for (int i = 0; i < refs.size(); i++) {
                        ConsumerState consumer = consumers.get(i);
                        if (consumer != null) {
                            DeliveryCodec.MessageRef ref = refs.get(i);
                            consumer.subscription().ack(consumer, ref.partition(), ref.queueOffset());
                            if (consumer.subscription().takeGroupsFreed()) {
                                connection.services().pulls().wake(consumer.subscription());
                            }
                            ConsumerRequests.forgetIfDone(connection, consumer);
                        }
                    }
                    acknowledged.complete(null);
                });
                return acknowledged;
            }

            @Override
            public void release() {
                connection.requests().execute(() -> {
                    for (int i = 0; i < refs.size(); i++) {
                        ConsumerState consumer = consumers.get(i);
                        if (consumer != null) {
                            DeliveryCodec.MessageRef ref = refs.get(i);
                            consumer.subscription().release(consumer, ref.partition(), ref.queueOffset(), true);
                            connection.services().pulls().wake(consumer.subscription());
                        }
                    }
                });
            }

            @Override
            public boolean isEmpty() {
                return false;
            }

            @Override
            public List<HeldMessage> held() {
                List<HeldMessage> held = new ArrayList<>();
                for (int i = 0; i < refs.size(); i++) {
                    ConsumerState consumer = consumers.get(i);
                    if (consumer != null && consumer.subscription().isPersisted()) {
                        DeliveryCodec.MessageRef ref = refs.get(i);
                        Subscription subscription = consumer.subscription();
                        held.add(new HeldMessage(subscription.key(), subscription.destination().storeName(),
                                ref.partition(), ref.queueOffset(),
                                subscription.browseCount(ref.partition(), ref.queueOffset())));
                    }
                }
                return held;
            }

            @Override
            public boolean holds(Object consumer, int partition, long queueOffset) {
                for (int i = 0; i < refs.size(); i++) {
                    DeliveryCodec.MessageRef ref = refs.get(i);
                    if (consumers.get(i) == consumer && ref.partition() == partition
                            && ref.queueOffset() == queueOffset) {
                        return true;
                    }
                }
                return false;
            }
        };
    }

    private static <T> void answerLater(Connection connection, Frame request, CompletableFuture<T> outcome,
                                        java.util.function.Function<T, Map<String, String>> headers) {
        outcome.whenComplete((value, failure) -> connection.requests().execute(() -> {
            if (failure == null) {
                connection.respond(request, headers.apply(value), null);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            connection.fail(request, cause instanceof RequestException known ? known
                    : new RequestException(ErrorCode.INTERNAL, request.requestCode() + " failed in the broker: "
                    + cause, cause));
        }));
    }

    private static XaXid xid(Frame request) {
        try {
            return new XaXid(Integer.parseInt(Headers.required(request, "formatId")), Headers.required(request, "gtrid"),
                    Headers.required(request, "bqual"));
        } catch (IllegalArgumentException e) {
            throw Headers.malformed(request, e.getMessage());
        }
    }
}
