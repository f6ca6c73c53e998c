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
import io.keelmq.server.tx.XaBranchSummary;
import io.keelmq.server.tx.XaXid;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ADMIN {@value #LIST}, {@value #COMMIT} and {@value #ROLLBACK} ({@code keel-admin transaction ...}): the
 * transactions waiting for a decision, and an operator's decision on one, addressed by header {@code id} (a
 * transactional producer's transaction id; needs {@code manage} on the message's destination) or {@code xid} (an XA
 * branch, {@code FORMATID:GTRID_HEX:BQUAL_HEX}, decided heuristically; needs {@code manage} on every destination it
 * sent to or consumed from).
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
        for (XaBranchSummary branch : xaBranches(connection)) {
            if (mayManage(connection, branch)) {
                summaries.add(new TransactionSummary("XA", branch.xid().toString(), "",
                        String.join(",", branch.destinations().stream().map(name -> display(connection, name))
                                .toList()), branch.messages() + " messages", branch.state(), branch.preparedAt(), 0));
            }
        }
        connection.respond(request, Map.of(), TransactionSummary.encode(summaries));
    }

    private static List<XaBranchSummary> xaBranches(Connection connection) {
        try {
            return connection.services().xa().summaries();
        } catch (IOException | IllegalArgumentException e) {
            throw new RequestException(ErrorCode.INTERNAL, "cannot read the prepared XA branches: " + e.getMessage(),
                    e);
        }
    }

    /** An operator's heuristic decision on a prepared XA branch; the transaction manager is told at its decision. */
    private static void decideBranch(Connection connection, Frame request, String text, boolean commit) {
        XaXid xid;
        try {
            xid = XaXid.parse(text);
        } catch (IllegalArgumentException e) {
            throw Headers.malformed(request, "xid: " + e.getMessage());
        }
        for (XaBranchSummary branch : xaBranches(connection)) {
            if (branch.xid().equals(xid) && !mayManage(connection, branch)) {
                throw new RequestException(ErrorCode.SECURITY, "user '" + connection.user() + "' is not allowed to "
                        + Permission.MANAGE + " every destination of XA branch " + xid + " " + branch.destinations());
            }
        }
        TransactionRequests.answerOutcome(connection, request,
                connection.services().xa().decideHeuristically(xid, commit));
    }

    private static void decide(Connection connection, Frame request, TxOutcome decision) {
        String xid = request.header("xid");
        if (xid != null) {
            decideBranch(connection, request, xid, decision == TxOutcome.COMMITTED);
            return;
        }
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

    private static boolean mayManage(Connection connection, XaBranchSummary branch) {
        for (String storeName : branch.destinations()) {
            Destination destination = connection.services().destinations().findByStoreName(storeName);
            if (destination != null && !mayManage(connection, destination)) {
                return false;
            }
        }
        return true;
    }

    private static String display(Connection connection, String storeName) {
        Destination destination = connection.services().destinations().findByStoreName(storeName);
        if (destination == null) {
            return storeName;
        }
        return (destination.isQueue() ? "queue://" : "topic://") + destination.name();
    }

    private static String display(PreparedHalf half, Destination destination) {
        if (destination == null) {
            return half.destination();
        }
        return (destination.isQueue() ? "queue://" : "topic://") + destination.name();
    }
}
