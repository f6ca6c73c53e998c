package io.keelmq.server.tx;

/**
 * A message an XA branch consumed from a persisted subscription (a queue's, or a durable one), locked for the branch
 * until its transaction manager decides: written into the branch's XA_PREPARE record so that the lock survives a
 * broker restart (see {@link OpRecords}).
 *
 * @param subscription  the subscription's key
 * @param destination   the store name of the subscription's destination (for the administrator's permissions)
 * @param deliveryCount the delivery count the consuming session saw (a rollback redelivers it with one more)
 */
public record HeldMessage(String subscription, String destination, int partition, long queueOffset,
                          int deliveryCount) {
}
