package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;
import io.keelmq.server.tx.PreparedHalf;
import io.keelmq.server.tx.ProducerTransactions;
import io.keelmq.server.tx.TxOutcome;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * END_TRANSACTION: a transactional producer's decision on one half message, sent by the producer after its local
 * transaction or in answer to a CHECK_TRANSACTION ({@code fromCheck=true}). UNKNOWN changes nothing; the broker goes
 * on checking back. CHECK_TRANSACTION is the broker's own request: a client sending one is refused.
 */
final class TransactionRequests {

    private TransactionRequests() {
    }

    static void endTransaction(Connection connection, Frame request) {
        String txId = Headers.required(request, "transactionId");
        String decision = Headers.required(request, "decision");
        ProducerTransactions transactions = connection.services().producerTransactions();
        PreparedHalf half = transactions.find(txId);
        if (half != null) {
            authorize(connection, half);
        }
        if ("UNKNOWN".equals(decision)) {
            connection.respond(request, Map.of("outcome", half == null ? "DECIDED" : "UNDECIDED"), null);
            return;
        }
        TxOutcome outcome;
        try {
            outcome = TxOutcome.ofDecision(decision);
        } catch (IllegalArgumentException e) {
            throw Headers.malformed(request, e.getMessage() + " (or UNKNOWN)");
        }
        String by = Headers.bool(request, "fromCheck") ? "check-back answer" : "producer";
        answerOutcome(connection, request, transactions.decide(txId, outcome, by + " on " + connection));
    }

    /** Answers {@code request} with header {@code outcome} once the decision is made, in order on the connection. */
    /** Answers header {@code outcome}: the decision's name ({@link TxOutcome}, or an XA branch's heuristic state). */
    static void answerOutcome(Connection connection, Frame request, CompletableFuture<?> decision) {
        decision.whenComplete((decided, failure) -> connection.requests().execute(() -> {
            if (failure == null) {
                connection.respond(request, Map.of("outcome", String.valueOf(decided)), null);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            connection.fail(request, cause instanceof RequestException known ? known
                    : new RequestException(ErrorCode.INTERNAL, "the decision failed in the broker: " + cause, cause));
        }));
    }

    static void checkTransaction(Connection connection, Frame request) {
        throw RequestException.illegalState("CHECK_TRANSACTION is sent by the broker, not to it");
    }

    /** Deciding a message is sending it: the user needs {@code send} on its destination. */
    static void authorize(Connection connection, PreparedHalf half) {
        Destination destination = connection.services().destinations().findByStoreName(half.destination());
        if (destination != null) {
            connection.authorize(Permission.SEND, destination.kind(), destination.name());
        }
    }
}
