package io.keelmq.store.retention;

/**
 * Something outside the store that still needs commit-log records, such as the
 * broker's pending transactions or a delay timer. Retention never deletes a segment
 * that holds an offset at or above the lowest floor.
 */
@FunctionalInterface
public interface RetentionFloor {
    /** Lowest physical offset still needed, or {@link Long#MAX_VALUE} for none. */
    long minRequiredPhysicalOffset();
}
