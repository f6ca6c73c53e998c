package io.keelmq.jms.provider;

/**
 * The broker's answer to a transactional producer's SEND: the half message is durable (under SYNC_FLUSH) and
 * invisible until END_TRANSACTION commits it.
 */
public record HalfSendResult(String status, String messageId, String transactionId) {
}
