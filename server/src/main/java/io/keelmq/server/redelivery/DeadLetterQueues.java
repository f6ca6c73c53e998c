package io.keelmq.server.redelivery;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.admin.DeadLetterSummary;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.consume.SubscriptionManager;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.message.DecodedMessage;
import io.keelmq.server.message.StoredForm;
import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The administration of a dead-letter queue ({@code keel-admin dlq list|resend|purge}): list its messages, send
 * them back to where they came from, or remove them. Only messages not in flight to a consumer of the dead-letter
 * queue are resent or purged. A resend stores the message in its original destination (forced, as a send) before
 * it is acknowledged in the dead-letter queue, so a crash in between leaves it in both, never in neither.
 */
public final class DeadLetterQueues {
    private static final int READ_BATCH = 64;
    private static final long STORE_TIMEOUT_SECONDS = 30;

    private final MessageStore store;
    private final DestinationRegistry destinations;
    private final SubscriptionManager subscriptions;
    private final Clock clock;

    public DeadLetterQueues(MessageStore store, DestinationRegistry destinations, SubscriptionManager subscriptions,
                            Clock clock) {
        this.store = store;
        this.destinations = destinations;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    /** Up to {@code limit} dead letters (with JMSMessageID {@code id} only, unless null), in offset order. */
    public List<DeadLetterSummary> list(String queueName, String id, int limit) throws IOException {
        Subscription queue = subscription(queueName);
        List<DeadLetterSummary> letters = new ArrayList<>();
        visit(queue, id, limit, (partition, offset, message) -> {
            WireMessage m = message.message();
            letters.add(new DeadLetterSummary(m.getMessageId() == null ? "" : m.getMessageId(),
                    text(m.getProperty(DeadLetters.ORIGINAL_DESTINATION)), text(m.getProperty(DeadLetters.REASON)),
                    m.getProperty(DeadLetters.DELIVERY_COUNT) instanceof Integer count ? count : 0,
                    m.getProperty(DeadLetters.TIME) instanceof Long time ? time : 0L));
            return true;
        });
        return letters;
    }

    /**
     * Sends up to {@code limit} dead letters back to their original destination, with a fresh delivery count and
     * without the dead-letter properties (a topic's only to the subscription that gave up on it), and removes them.
     *
     * @return how many were resent
     * @throws RequestException (NOT_FOUND) naming the first message whose original destination no longer exists
     */
    public int resend(String queueName, String id, int limit) throws IOException {
        Subscription queue = subscription(queueName);
        return visit(queue, id, limit, (partition, offset, message) -> {
            WireMessage m = message.message();
            DestinationRef original = DeadLetters.parseUri(m.getProperty(DeadLetters.ORIGINAL_DESTINATION));
            Destination target = original == null ? null : destinations.find(original.kind(), original.name());
            if (target == null) {
                throw RequestException.notFound("dead letter " + m.getMessageId() + " names original destination '"
                        + m.getProperty(DeadLetters.ORIGINAL_DESTINATION) + "', which does not exist");
            }
            if (!queue.park(partition, offset)) {
                return false; // in flight to a consumer of the dead-letter queue, or just acknowledged
            }
            boolean moved = false;
            try {
                Object subscription = m.getProperty(DeadLetters.ORIGINAL_SUBSCRIPTION);
                for (String added : DeadLetters.ADDED) {
                    m.removeProperty(added);
                }
                if (subscription instanceof String key) {
                    m.setProperty(StoredForm.RETRY_FOR, key);
                }
                m.setDestination(original);
                byte[] properties = StoredForm.encodeProperties(m, message.senderConnectionId());
                store(StoredForm.toRecord(target.storeName(), 0, m, properties, message.stored().body(),
                        clock.millis()));
                moved = true;
            } finally {
                queue.settleParked(partition, offset, moved);
            }
            return true;
        });
    }

    /** Removes up to {@code limit} dead letters; returns how many. */
    public int purge(String queueName, String id, int limit) throws IOException {
        Subscription queue = subscription(queueName);
        return visit(queue, id, limit, (partition, offset, message) ->
                queue.park(partition, offset) && queue.settleParked(partition, offset, true));
    }

    private Subscription subscription(String queueName) {
        if (!queueName.startsWith(DeadLetters.PREFIX)) {
            throw RequestException.illegalState("'" + queueName + "' is not a dead-letter queue (they are named "
                    + DeadLetters.PREFIX + "<queue> or " + DeadLetters.PREFIX + "<subscription>)");
        }
        Destination destination = destinations.find(DestinationRef.Kind.QUEUE, queueName);
        Subscription queue = destination == null ? null : subscriptions.queueSubscription(destination);
        if (queue == null) {
            throw RequestException.notFound("dead-letter queue '" + queueName + "' does not exist");
        }
        return queue;
    }

    private interface Visitor {
        /** @return whether the message counts towards the limit */
        boolean visit(int partition, long offset, DecodedMessage message) throws IOException;
    }

    private int visit(Subscription queue, String id, int limit, Visitor visitor) throws IOException {
        Destination destination = queue.destination();
        int done = 0;
        for (int p = 0; p < destination.partitions() && done < limit; p++) {
            ConsumeQueue consumeQueue = store.consumeQueue(destination.storeName(), p);
            if (consumeQueue == null) {
                continue;
            }
            long from = queue.lowWatermark(p);
            List<ConsumeQueueEntry> entries;
            while (done < limit && !(entries = consumeQueue.read(from, READ_BATCH)).isEmpty()) {
                for (ConsumeQueueEntry entry : entries) {
                    from = entry.queueOffset() + 1;
                    if (done >= limit || !queue.isPending(p, entry.queueOffset())) {
                        continue;
                    }
                    StoredMessage stored = store.read(entry.physicalOffset());
                    if (stored == null) {
                        continue;
                    }
                    DecodedMessage message = StoredForm.decode(stored);
                    if ((id == null || id.equals(message.message().getMessageId()))
                            && visitor.visit(p, entry.queueOffset(), message)) {
                        done++;
                    }
                }
            }
        }
        return done;
    }

    private void store(MessageRecord record) throws IOException {
        AppendResult result;
        try {
            result = store.appendReservedAsync(record).get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while storing to " + record.destination(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("storing to " + record.destination() + " failed", e);
        }
        if (result.status() != AppendStatus.PUT_OK) {
            throw new IOException("storing to " + record.destination() + " failed: " + result.status() + " "
                    + result.error());
        }
    }

    private static String text(Object value) {
        return value == null ? "" : value.toString();
    }
}
