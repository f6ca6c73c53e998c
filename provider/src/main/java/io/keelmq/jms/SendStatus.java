package io.keelmq.jms;

/**
 * The broker's verdict on a stored message, as in RocketMQ: only {@link #SEND_OK} means the message reached every
 * guarantee the broker is configured for (synchronous flush, synchronous replication).
 */
public enum SendStatus {
    /** Stored, flushed and replicated as configured. */
    SEND_OK,
    /** Stored, but the synchronous flush did not finish within {@code syncFlushTimeout}. */
    FLUSH_DISK_TIMEOUT,
    /** Stored, but the synchronous replica did not confirm in time. */
    FLUSH_SLAVE_TIMEOUT,
    /** Stored, but no synchronous replica is connected. */
    SLAVE_NOT_AVAILABLE
}
