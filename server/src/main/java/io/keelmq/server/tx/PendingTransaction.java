package io.keelmq.server.tx;

/**
 * An undecided producer transaction as {@code keel-admin transaction list} shows it.
 *
 * @param messageId the JMSMessageID of its half message
 * @param checks    check-backs sent (counted across restarts)
 */
public record PendingTransaction(PreparedHalf half, String messageId, int checks) {
}
