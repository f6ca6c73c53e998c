package io.keelmq.store.recovery;

/**
 * What opening the store found.
 *
 * @param cleanShutdown   the previous run shut down cleanly (no scan was needed)
 * @param scanStart       first offset whose CRC was verified (crash only)
 * @param logEnd          where the commit log ends now
 * @param recordsVerified records verified by the scan
 * @param problem         a torn or corrupt record found, naming its offset; null if none
 * @param discardedBytes  bytes cut from the log (kept in the quarantine folder)
 */
public record RecoveryReport(boolean cleanShutdown, long scanStart, long logEnd, long recordsVerified,
                             String problem, long discardedBytes) {

    @Override
    public String toString() {
        if (cleanShutdown) {
            return "clean shutdown; log ends at " + logEnd;
        }
        return "crash recovery: verified " + recordsVerified + " records from offset " + scanStart
                + ", log ends at " + logEnd + (problem == null ? "" : "; " + problem + ", " + discardedBytes
                + " bytes quarantined");
    }
}
