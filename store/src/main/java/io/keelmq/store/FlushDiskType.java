package io.keelmq.store;

/** When the commit log is forced to disk (RocketMQ's names). */
public enum FlushDiskType {
    /** Group commit: an append is acknowledged only after a {@code force()} that covers it. */
    SYNC_FLUSH,
    /** An append is acknowledged once written; a background thread forces on an interval. */
    ASYNC_FLUSH
}
