package io.keelmq.jms;

/**
 * A half message stored by {@link KeelTransactionalProducer#prepare}: invisible to consumers until
 * {@link KeelTransactionalProducer#commit} (or the check-back's COMMIT).
 */
public record PreparedMessage(String messageId, String transactionId) {
}
