package io.keelmq.store;

/**
 * A record read back from the commit log, with the positions the store assigned.
 *
 * @param physicalOffset the record's offset in the commit log
 * @param size           the record's length on disk, header included
 * @param queueOffset    the record's logical offset in its (destination, partition) consume queue
 */
public record StoredMessage(long physicalOffset, int size, String destination, int partition,
                            long queueOffset, long tagHash, long bornTimestamp, long storeTimestamp,
                            int deliveryCount, TxState txState, String messageId, String keys,
                            byte[] properties, byte[] body) {

    /** Space-separated keys as a list (empty when none). */
    public java.util.List<String> keyList() {
        return MessageRecord.splitKeys(keys);
    }
}
