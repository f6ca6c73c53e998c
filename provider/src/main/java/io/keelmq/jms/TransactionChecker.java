package io.keelmq.jms;

import jakarta.jms.Message;

/**
 * Answers the broker's check-back (RocketMQ's {@code TransactionListener.checkLocalTransaction}): how did the local
 * transaction behind this message end? Asked when no decision reached the broker within {@code transactionTimeOut}
 * (the producer crashed, the decision was lost, or it was UNKNOWN), of any live member of the producer group, so it
 * must find the answer in durable state (the database), not in the memory of the instance that sent the message.
 * Runs on the connection's check-back thread; an exception counts as {@link LocalTransactionState#UNKNOWN}.
 *
 * <p>Answer UNKNOWN while the local transaction may still be running (a ROLLBACK then would drop a message whose
 * transaction commits a moment later); a local transaction that may take longer than {@code transactionTimeOut}
 * should set the message's {@code JMS_Keel_CheckImmunitySeconds} property.
 */
@FunctionalInterface
public interface TransactionChecker {

    /** @param message the half message, with the JMSMessageID, properties and body it was sent with */
    LocalTransactionState checkLocalTransaction(Message message) throws Exception;
}
