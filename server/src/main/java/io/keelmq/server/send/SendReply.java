package io.keelmq.server.send;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.tx.Transaction;

import io.keelmq.store.AppendResult;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** Where the answer to one SEND goes; a ONEWAY send's reply drops answers (errors are logged). */
public interface SendReply {
    /** The id of the sending connection (recorded on topic messages for noLocal). */
    String connectionId();

    /** The open transaction of the sending session when it is transacted: the message is stored as a half. */
    default Transaction transaction() {
        return null;
    }

    /**
     * The producer group of a transactional producer's send (header {@code producerGroup}), or null: the message is
     * then stored as a half that the producer decides later (END_TRANSACTION) or the broker checks back.
     */
    default String producerGroup() {
        return null;
    }

    /**
     * A transactional producer's half was written: completes with its transaction id (and where its PREPARE record
     * ends) once the half and its PREPARE record are durable.
     *
     * @param immunityMillis how long it is not checked back, or -1 for the broker's {@code transactionTimeOut}
     * @param destination    store name of the message's destination
     */
    default CompletableFuture<io.keelmq.server.tx.PreparedHalfAnswer> prepared(AppendResult half, long immunityMillis, String destination) {
        throw new IllegalStateException("this sender has no producer group");
    }

    /** The authenticated user of the sending connection, or null (authentication disabled). */
    String user();

    /**
     * Checks that the sender may send to {@code target}; runs before anything is stored.
     *
     * @throws RequestException SECURITY if not
     */
    void authorizeSend(DestinationRef target);

    /**
     * Whether the thread handling this send runs {@code commit} itself once it has handled its current read
     * batch (and has arranged it); see {@code FrameOutput.commitAfterReadBatch}. False: the group-commit
     * thread forces.
     */
    default boolean commitAfterReadBatch(Runnable commit) {
        return false;
    }

    void ok(Map<String, String> headers);

    void fail(RequestException error);
}
