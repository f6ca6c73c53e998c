package io.keelmq.store.log;

/**
 * How a recovery scan of the commit log ended.
 *
 * @param validEnd        offset just past the last valid record
 * @param recordsVerified records whose CRC was checked
 * @param problem         null for a clean end; otherwise what was found at {@code validEnd}
 * @param discardedBytes  bytes cut off at {@code validEnd} (copied to the quarantine folder first)
 */
public record ScanOutcome(long scanStart, long validEnd, long recordsVerified, String problem, long discardedBytes) {

    public boolean clean() {
        return problem == null;
    }
}
