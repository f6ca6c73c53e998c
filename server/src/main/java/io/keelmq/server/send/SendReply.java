package io.keelmq.server.send;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.tx.Transaction;

import java.util.Map;

/** Where the answer to one SEND goes; a ONEWAY send's reply drops answers (errors are logged). */
public interface SendReply {
    /** The id of the sending connection (recorded on topic messages for noLocal). */
    String connectionId();

    /** The open transaction of the sending session when it is transacted: the message is stored as a half. */
    default Transaction transaction() {
        return null;
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
