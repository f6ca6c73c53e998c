package io.keelmq.store;

import java.util.List;

/**
 * What an append answered.
 *
 * @param records one entry per appended record, in order; empty when nothing was written
 * @param error   the reason for a status other than PUT_OK, naming the problem
 */
public record AppendResult(AppendStatus status, List<AppendedRecord> records, String error) {

    /** Where one record went. */
    public record AppendedRecord(long physicalOffset, int size, long queueOffset, long storeTimestamp) {
    }

    public static AppendResult failed(AppendStatus status, String error) {
        return new AppendResult(status, List.of(), error);
    }

    public boolean ok() {
        return status == AppendStatus.PUT_OK;
    }

    /** Offset of the first record; -1 when nothing was written. */
    public long physicalOffset() {
        return records.isEmpty() ? -1 : records.get(0).physicalOffset();
    }

    /** Where the last record ends in the commit log; -1 when nothing was written. */
    public long endOffset() {
        if (records.isEmpty()) {
            return -1;
        }
        AppendedRecord last = records.get(records.size() - 1);
        return last.physicalOffset() + last.size();
    }

    /** Queue offset of the first record; -1 when nothing was written. */
    public long queueOffset() {
        return records.isEmpty() ? -1 : records.get(0).queueOffset();
    }

    AppendResult withStatus(AppendStatus newStatus, String newError) {
        return new AppendResult(newStatus, records, newError);
    }
}
