package io.keelmq.jms;

/**
 * What {@link KeelTransactionalProducer#send} did (RocketMQ's {@code TransactionSendResult}).
 *
 * @param messageId             the JMSMessageID of the message
 * @param transactionId         the broker's id of its transaction (for {@code keel-admin transaction})
 * @param sendStatus            the broker's status for the half message (stored durably when SEND_OK)
 * @param localTransactionState the local transaction's answer (UNKNOWN when it threw)
 * @param decided               true when the broker confirmed the decision (COMMIT or ROLLBACK); false when the
 *                              answer was UNKNOWN or the decision did not reach the broker: the check-back decides
 */
public record TransactionSendResult(String messageId, String transactionId, SendStatus sendStatus,
                                    LocalTransactionState localTransactionState, boolean decided) {
}
