package io.keelmq.store.log;

import io.keelmq.store.AppendResult.AppendedRecord;

/** Told of each written record, in commit-log order, under the append lock. */
@FunctionalInterface
public interface AppendListener {
    void appended(EncodedRecord record, AppendedRecord placed);
}
