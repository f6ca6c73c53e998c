package io.keelmq.server.tx;

/**
 * What a PREPARE op record says of a transactional producer's half message: enough to check it back with its
 * producer group and to decide it, also after a restart, without reading the half itself.
 *
 * @param txId           the producer transaction id (the op records' message id)
 * @param halfOffset     commit-log offset of the half record
 * @param preparedAt     when the half was stored (epoch ms): its age counts from here
 * @param immunityMillis how long it is not checked back, or -1 for the broker's {@code transactionTimeOut}
 * @param unresolved     moved to {@link TxDestinations#UNRESOLVED} after {@code transactionCheckMax} checks
 * @param group          the producer group that answers its check-backs
 * @param destination    store name of the real destination ({@code queue/orders})
 */
public record PreparedHalf(String txId, long halfOffset, long preparedAt, long immunityMillis, boolean unresolved,
                           String group, String destination) {

    PreparedHalf movedTo(long offset) {
        return new PreparedHalf(txId, offset, preparedAt, immunityMillis, true, group, destination);
    }
}
