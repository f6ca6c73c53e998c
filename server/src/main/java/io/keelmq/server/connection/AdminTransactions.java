package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.server.admin.TransactionSummary;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.Permission;
import io.keelmq.server.tx.PendingTransaction;
import io.keelmq.server.tx.PreparedHalf;
import io.keelmq.server.tx.ProducerTransactions;
import io.keelmq.server.tx.TxOutcome;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ADMIN {@value #LIST}, {@value #COMMIT} and {@value #ROLLBACK} ({@code keel-admin transaction ...}): the
 * transactions waiting for a decision, and an operator's decision on one, addressed by header {@code id} (a
 * transactional producer's transaction id). Needs {@code manage} on the message's destination. The XA branches of
 * issue 16 join this command under header {@code xid}.
 */
final class AdminTransactions {
    static final String LIST = "transaction-list";
    static final String COMMIT = "transaction-commit";
    static final String ROLLBACK = "transaction-rollback";

    private AdminTransactions() {
    }

    static void handle(Connection connection, Frame request, String command) {
        switch (command) {
            case LIST -> list(connection, request);
            case COMMIT -> decide(connection, request, TxOutcome.COMMITTED);
            case ROLLBACK -> decide(connection, request, TxOutcome.ROLLED_BACK);
            default -> throw RequestException.notFound("unknown ADMIN command '" + command + "' (known: " + LIST
                    + ", " + COMMIT + ", " + ROLLBACK + ")");
        }
    }

    private static void list(Connection connection, Frame request) {
        List<TransactionSummary> summaries = new ArrayList<>();
        try {
            for (PendingTransaction pending : connection.services().producerTransactions().list()) {
                PreparedHalf half = pending.half();
                Destination destination = connection.services().destinations().findByStoreName(half.destination());
                if (destination != null && !mayManage(connection, destination)) {
                    continue;
                }
                summaries.add(new TransactionSummary("PRODUCER", half.txId(), half.group(), display(half, destination),
                        pending.messageId(), half.unresolved() ? "UNRESOLVED" : "UNDECIDED", half.preparedAt(),
                        pending.checks()));
            }
        } catch (IOException e) {
            throw new RequestException(ErrorCode.INTERNAL, "cannot read the undecided transactions: " + e.getMessage(),
                    e);
        }
        connection.respond(request, Map.of(), TransactionSummary.encode(summaries));
    }

    private static void decide(Connection connection, Frame request, TxOutcome decision) {
        String id = Headers.required(request, "id");
        ProducerTransactions transactions = connection.services().producerTransactions();
        PreparedHalf half = transactions.find(id);
        if (half != null) {
            Destination destination = connection.services().destinations().findByStoreName(half.destination());
            if (destination != null && !mayManage(connection, destination)) {
                throw new RequestException(ErrorCode.SECURITY, "user '" + connection.user() + "' is not allowed to "
                        + Permission.MANAGE + " " + destination.name());
            }
        }
        TransactionRequests.answerOutcome(connection, request,
                transactions.decide(id, decision, "keel-admin on " + connection));
    }

    private static boolean mayManage(Connection connection, Destination destination) {
        Authorizer authorizer = connection.services().authorizer();
        return authorizer == null || authorizer.allows(connection.user(), Permission.MANAGE, destination.name());
    }

    private static String display(PreparedHalf half, Destination destination) {
        if (destination == null) {
            return half.destination();
        }
        return (destination.isQueue() ? "queue://" : "topic://") + destination.name();
    }
}
