package io.keelmq.jms.provider;

/**
 * The broker's CHECK_TRANSACTION: it asks how the local transaction behind a half message ended.
 *
 * @param message    the half's message, encoded as a {@code WireMessage}
 * @param checkTimes 1 for the first check of this message, then 2, ... (counted across broker restarts)
 */
public record TransactionCheck(String transactionId, String producerGroup, int checkTimes, byte[] message) {
}
