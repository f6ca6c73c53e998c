package io.keelmq.store;

/** The answer to an append. Only {@link #PUT_OK} means the record is stored as configured. */
public enum AppendStatus {
    /** Written, and under SYNC_FLUSH forced to disk. */
    PUT_OK,
    /** Written but not forced within {@code syncFlushTimeout}; it may or may not survive a crash. */
    FLUSH_DISK_TIMEOUT,
    /** Body plus properties larger than {@code maxMessageSize}; nothing written. */
    MESSAGE_SIZE_EXCEEDED,
    /** The record is malformed (empty destination, over-long names, negative partition); nothing written. */
    MESSAGE_ILLEGAL,
    /** Disk usage is above {@code diskSpaceWarningLevelRatio}; nothing written. */
    DISK_FULL,
    /** A write or force failed; the message names the cause. Nothing acknowledged by this append. */
    IO_ERROR,
    /** The store is closed or shutting down. */
    SERVICE_NOT_AVAILABLE
}
