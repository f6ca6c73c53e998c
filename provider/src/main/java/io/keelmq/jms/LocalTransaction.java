package io.keelmq.jms;

import jakarta.jms.Message;

/**
 * The local transaction that a transactional producer's message depends on (RocketMQ's
 * {@code TransactionListener.executeLocalTransaction}); it runs after the half message is stored, on the sending
 * thread.
 */
@FunctionalInterface
public interface LocalTransaction {

    /**
     * Runs the local transaction (say, inserts the order row) and says how it ended. An exception counts as
     * {@link LocalTransactionState#UNKNOWN}: the broker checks back later.
     *
     * @param message the message as sent, with its JMSMessageID
     */
    LocalTransactionState executeLocalTransaction(Message message) throws Exception;
}
