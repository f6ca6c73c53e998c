package io.keelmq.server.tx;

/**
 * A transactional producer's half once it and its PREPARE record are durable: the transaction id the producer is
 * answered with, and where the PREPARE record ends in the commit log, which is how far a SYNC_MASTER's slaves must
 * have confirmed before the half is answered SEND_OK (the half itself ends before it).
 */
public record PreparedHalfAnswer(String txId, long prepareEndOffset) {
}
