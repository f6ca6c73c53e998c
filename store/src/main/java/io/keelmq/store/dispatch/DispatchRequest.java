package io.keelmq.store.dispatch;

import java.util.List;

/** What the consume queue and index need of one appended record. */
public record DispatchRequest(String destination, int partition, long queueOffset, long physicalOffset, int size,
                              long tagHash, long storeTimestamp, String messageId, List<String> keys) {

    public long endOffset() {
        return physicalOffset + size;
    }
}
