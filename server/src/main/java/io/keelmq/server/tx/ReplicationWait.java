package io.keelmq.server.tx;

import java.util.concurrent.CompletableFuture;

/**
 * What a transaction's decision waits for before it is answered, besides its own force: on a SYNC_MASTER, that the
 * in-sync slaves have the log up to the decision, as a send's SEND_OK does (issue 18: a commit answered OK must
 * survive the loss of the master). Elsewhere there is nothing to wait for.
 */
@FunctionalInterface
public interface ReplicationWait {
    /** A broker without slaves to wait for. */
    ReplicationWait NONE = endOffset -> CompletableFuture.completedFuture(null);

    /**
     * Completes with null once the commit log up to {@code endOffset} is on the slaves as the broker's role requires
     * (at once when it requires nothing), or with the status that says it is not: {@code FLUSH_SLAVE_TIMEOUT} or
     * {@code SLAVE_NOT_AVAILABLE}, RocketMQ's send statuses.
     */
    CompletableFuture<String> shortfall(long endOffset);

    /** The error a decision carried out on the master, but not confirmed by its slaves, is answered with. */
    static String unconfirmed(String what, String status) {
        return what + " is carried out on this master, but its slaves did not confirm it (" + status + "): it is "
                + "lost if this master is lost before a slave has it";
    }
}
