package io.keelmq.jms;

/**
 * How a transactional producer's local transaction ended (RocketMQ's {@code LocalTransactionState}:
 * {@code COMMIT_MESSAGE}, {@code ROLLBACK_MESSAGE}, {@code UNKNOW}).
 */
public enum LocalTransactionState {
    /** The local transaction committed: the message is delivered. */
    COMMIT,
    /** The local transaction rolled back: the message is never delivered. */
    ROLLBACK,
    /** Not known (yet): the broker asks the producer group again later (check-back). */
    UNKNOWN
}
