package io.keelmq.server.connection;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.consume.SessionState;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Permission;
import io.keelmq.server.send.SendReply;
import io.keelmq.server.tx.Transaction;
import io.keelmq.store.AppendResult;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * SEND and SEND_BATCH: handed to the send service, answered when the append completes. A send of a
 * transacted session joins the session's open transaction here, on the connection's request thread,
 * so a COMMIT that arrives after it waits for it.
 */
final class SendRequests {

    private SendRequests() {
    }

    /** SEND or SEND_BATCH, as a request (not an answer). */
    static boolean isSend(Frame frame) {
        if (frame.isResponse()) {
            return false;
        }
        int code = frame.code();
        return code == RequestCode.SEND.code() || code == RequestCode.SEND_BATCH.code();
    }

    /**
     * A send that may read the disk before it is answered: a retry is looked up in the message index
     * (by message id), so it goes to the worker pool rather than run on a network thread.
     */
    static boolean mayBlock(Frame send) {
        return "true".equals(send.header("retry"));
    }

    static void send(Connection connection, Frame request) {
        send(connection, request, System.nanoTime());
    }

    static void send(Connection connection, Frame request, long arrivedNanos) {
        Transaction transaction = transactionOf(connection, request);
        CompletableFuture<Void> settled = new CompletableFuture<>();
        if (transaction != null) {
            transaction.sending(settled);
        }
        connection.services().sends().submit(request, new SendReply() {
            @Override
            public String connectionId() {
                return connection.id();
            }

            @Override
            public Transaction transaction() {
                return transaction;
            }

            @Override
            public String producerGroup() {
                return request.header("producerGroup");
            }

            @Override
            public CompletableFuture<io.keelmq.server.tx.PreparedHalfAnswer> prepared(AppendResult half, long immunityMillis, String destination) {
                return connection.services().producerTransactions().prepare(half, immunityMillis,
                        request.header("producerGroup"), destination);
            }

            @Override
            public String user() {
                return connection.user();
            }

            @Override
            public void authorizeSend(DestinationRef target) {
                connection.authorize(Permission.SEND, target.kind(), target.name());
            }

            @Override
            public boolean commitAfterReadBatch(Runnable commit) {
                return connection.output().commitAfterReadBatch(commit);
            }

            @Override
            public void ok(Map<String, String> headers) {
                connection.respond(request, headers, null);
                settled.complete(null);
            }

            @Override
            public void fail(RequestException error) {
                connection.fail(request, error);
                settled.complete(null);
            }
        }, arrivedNanos);
    }

    private static Transaction transactionOf(Connection connection, Frame request) {
        String sessionId = request.header("sessionId");
        SessionState session;
        try {
            session = sessionId == null ? null : connection.sessions().get(Long.parseLong(sessionId));
        } catch (NumberFormatException e) {
            return null;   // the send path has always accepted any session id text; it only hashes it
        }
        return session == null ? null : session.transaction();
    }
}
