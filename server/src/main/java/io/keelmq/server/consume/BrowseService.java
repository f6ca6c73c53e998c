package io.keelmq.server.consume;

import io.keelmq.protocol.selector.Selector;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.message.DecodedMessage;
import io.keelmq.server.message.Delivery;
import io.keelmq.store.MessageStore;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * BROWSE: shows a queue's messages without consuming them, partition by partition from a
 * continuation point the client passes back. Acknowledged and expired messages, and messages
 * whose delivery time has not come yet, are not shown; messages in flight are (they are still
 * on the queue). One answer examines a bounded number of messages so a selector that matches
 * little cannot hold a worker thread for long.
 */
public final class BrowseService {
    private static final int SCAN_LIMIT = 4_096;

    /** A page of a browse: deliveries, and where to go on from (partition -1, offset -1 at the end). */
    public record Page(List<Delivery> deliveries, int nextPartition, long nextOffset) {
    }

    private final MessageStore store;
    private final Clock clock;

    public BrowseService(MessageStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public Page browse(Subscription queue, Selector selector, int fromPartition, long fromOffset, int maxMessages,
                       long maxBytes) throws IOException {
        Destination destination = queue.destination();
        List<Delivery> deliveries = new ArrayList<>();
        long bytes = 0;
        int examined = 0;
        long now = clock.millis();
        int partition = Math.max(0, fromPartition);
        long offset = fromOffset;
        while (partition < destination.partitions()) {
            offset = Math.max(offset, queue.lowWatermark(partition));
            ConsumeQueue consumeQueue = store.consumeQueue(destination.storeName(), partition);
            List<ConsumeQueueEntry> entries = consumeQueue == null ? List.of() : consumeQueue.read(offset, 64);
            if (entries.isEmpty()) {
                partition++;
                offset = 0;
                continue;
            }
            for (ConsumeQueueEntry entry : entries) {
                if (deliveries.size() >= maxMessages || examined >= SCAN_LIMIT || bytes >= maxBytes) {
                    return new Page(deliveries, partition, entry.queueOffset());
                }
                offset = entry.queueOffset() + 1;
                examined++;
                int count = queue.browseCount(partition, entry.queueOffset());
                if (count < 0 || entry.size() <= 0) {
                    continue;
                }
                DecodedMessage message = StoredMessages.read(store, entry);
                // A message before its delivery time is not yet visible on the queue (spec 3.4.13).
                if (message == null || message.isExpired(now) || message.deliverNotBefore(now) != 0
                        || !message.matches(selector)) {
                    continue;
                }
                // A retry copy records the deliveries the message had: its next one is counted from them.
                int shown = Math.max(count, message.priorDeliveries() + 1);
                Delivery delivery = new Delivery(partition, entry.queueOffset(), shown,
                        message.encodeForDelivery(shown));
                deliveries.add(delivery);
                bytes += delivery.wireSize();
            }
        }
        return new Page(deliveries, -1, -1);
    }
}
