package io.keelmq.server.redelivery;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.consume.FailedDeliveries;
import io.keelmq.server.consume.PullService;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.consume.SubscriptionManager;
import io.keelmq.server.delay.TimerForm;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.message.DecodedMessage;
import io.keelmq.server.message.StoredForm;
import io.keelmq.store.AppendResult;
import io.keelmq.store.AppendStatus;
import io.keelmq.store.MessageRecord;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoredMessage;
import io.keelmq.store.queue.ConsumeQueue;
import io.keelmq.store.queue.ConsumeQueueEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Redelivery levels and dead-letter queues (RocketMQ's %RETRY% topic and DLQ, on JMS). A failed delivery past the
 * first (see {@link RedeliveryPolicy}) is not kept on the heap until it is due: a <em>retry copy</em> of the message
 * (same id, headers, properties and body, plus its delivery count and the subscription it is for) is written to the
 * persistent delay timer, due after the level's delay, and the original is acknowledged on that subscription once
 * the copy is stored. When due, the timer writes the copy to the tail of the destination's partition, where only
 * that subscription delivers it (the others of a topic skip it), with the stored count + 1. So backed-off messages
 * cost nothing on the heap, and their delivery count survives restarts and crashes. A message past
 * {@code maxReconsumeTimes} is written to its dead-letter queue ({@link DeadLetters}) instead.
 *
 * <p>Ordering: a backed-off message comes back after newer ones (as in RocketMQ); the first redelivery, at once,
 * keeps its place. Crash safety: the copy or dead letter is stored (forced under SYNC_FLUSH) before the original is
 * acknowledged, so a crash in between can deliver the message twice (at least once), never lose it; a message
 * found waiting in its dead-letter queue already (by id) is not moved there twice.
 *
 * <p>The stores happen on one thread of this service, never under a subscription's lock; meanwhile the message is
 * parked on its subscription (delivered to nobody). If a store fails the message is redelivered at once instead.
 */
public final class RedeliveryService implements FailedDeliveries, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedeliveryService.class);
    private static final long STORE_TIMEOUT_SECONDS = 60;

    private final BrokerConfig config;
    private final MessageStore store;
    private final DestinationRegistry destinations;
    private final SubscriptionManager subscriptions;
    private final boolean indexEnabled;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, RedeliveryPolicy> policies = new ConcurrentHashMap<>();
    private volatile PullService pulls;

    public RedeliveryService(BrokerConfig config, MessageStore store, DestinationRegistry destinations,
                             SubscriptionManager subscriptions, Clock clock) {
        this.config = config;
        this.store = store;
        this.destinations = destinations;
        this.subscriptions = subscriptions;
        this.indexEnabled = config.get(ConfigKeys.MESSAGE_INDEX_ENABLE);
        this.clock = clock;
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "keel-redelivery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The pull service to wake when a parked message is redelivered at once after all (set once at start). */
    public void pulls(PullService pulls) {
        this.pulls = pulls;
    }

    /** The redelivery policy of a destination (its own settings or the broker's). */
    public RedeliveryPolicy policy(Destination destination) {
        return policies.computeIfAbsent(destination.name(), name -> RedeliveryPolicy.of(config, name));
    }

    @Override
    public boolean takeOver(Subscription subscription, int partition, long offset, int failures) {
        Destination destination = subscription.destination();
        if (destination.isTemporary()) {
            return false; // lives as long as its connection: no retry copies, no dead-letter queue
        }
        RedeliveryPolicy policy = policy(destination);
        RedeliveryPolicy.Decision decision = policy.decide(failures);
        if (decision == RedeliveryPolicy.Decision.DEAD_LETTER && destination.name().startsWith(DeadLetters.PREFIX)) {
            // A dead letter that fails again stays in its dead-letter queue (RocketMQ: no DLQ of a DLQ), backing off.
            decision = RedeliveryPolicy.Decision.BACK_OFF;
        }
        if (decision == RedeliveryPolicy.Decision.IMMEDIATE) {
            return false;
        }
        try {
            RedeliveryPolicy.Decision decided = decision;
            executor.execute(() -> move(subscription, partition, offset, failures, policy, decided));
            return true;
        } catch (RejectedExecutionException e) {
            return false; // shutting down: redelivered at once, as after a restart
        }
    }

    private void move(Subscription subscription, int partition, long offset, int failures, RedeliveryPolicy policy,
                      RedeliveryPolicy.Decision decision) {
        boolean moved = false;
        try {
            DecodedMessage message = read(subscription.destination(), partition, offset);
            if (message == null) {
                moved = true; // gone (retention) or undecodable: nothing left to redeliver
            } else if (message.message().getProperty(StoredForm.GROUP_ID) != null) {
                // A grouped message is never copied or moved, whatever the subscription knew of its group when it
                // was released: its group's later messages must not overtake it (retried in place, after a pause).
                moved = false;
            } else if (decision == RedeliveryPolicy.Decision.DEAD_LETTER) {
                moved = alreadyDeadLettered(subscription, message)
                        || store(deadLetter(subscription, message, policy, failures), subscription, offset);
                if (moved) {
                    LOG.warn("message {} of {} moved to {} after {} deliveries", message.message().getMessageId(),
                            subscription, DeadLetters.queueName(subscription), failures);
                }
            } else {
                moved = store(retryCopy(subscription, partition, message, failures,
                        clock.millis() + policy.backOffMillis(failures)), subscription, offset);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot move failed message at offset {} of {}; it is redelivered at once", offset,
                    subscription, e);
        } finally {
            if (subscription.settleParked(partition, offset, moved) && !moved && pulls != null) {
                pulls.wake(subscription);
            }
        }
    }

    private boolean store(MessageRecord record, Subscription subscription, long offset) throws IOException {
        AppendResult result;
        try {
            result = store.appendReservedAsync(record).get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            throw new IOException("storing to " + record.destination() + " failed", e);
        }
        if (result.status() != AppendStatus.PUT_OK) {
            LOG.error("storing the failed message at offset {} of {} to {} failed: {} {}; it is redelivered at once",
                    offset, subscription, record.destination(), result.status(), result.error());
            return false;
        }
        return true;
    }

    /**
     * Whether the message waits in its dead-letter queue already: moved there just before a crash kept the original
     * from being acknowledged. Looked up by JMSMessageID in the index (when enabled); a copy that was consumed,
     * purged or resent from the dead-letter queue does not count.
     */
    private boolean alreadyDeadLettered(Subscription subscription, DecodedMessage message) throws IOException {
        String id = message.message().getMessageId();
        Destination queue = destinations.find(DestinationRef.Kind.QUEUE, DeadLetters.queueName(subscription));
        Subscription letters = queue == null ? null : subscriptions.queueSubscription(queue);
        if (!indexEnabled || id == null || id.isEmpty() || letters == null) {
            return false;
        }
        for (StoredMessage found : store.queryByMessageId(id, 0, Long.MAX_VALUE)) {
            if (found.destination().equals(queue.storeName())
                    && letters.isPending(found.partition(), found.queueOffset())) {
                LOG.info("message {} of {} is in {} already", id, subscription, queue.name());
                return true;
            }
        }
        return false;
    }

    private DecodedMessage read(Destination destination, int partition, long offset) throws IOException {
        ConsumeQueue queue = store.consumeQueue(destination.storeName(), partition);
        ConsumeQueueEntry entry = queue == null ? null : queue.get(offset);
        StoredMessage stored = entry == null ? null : store.read(entry.physicalOffset());
        return stored == null ? null : StoredForm.decode(stored);
    }

    /** The copy that waits in the delay timer and is then written to the tail of the same partition. */
    private MessageRecord retryCopy(Subscription subscription, int partition, DecodedMessage message, int failures,
                                    long dueMillis) {
        String storeName = subscription.destination().storeName();
        WireMessage copy = message.message();
        copy.setProperty(StoredForm.RETRY_FOR, subscription.key());
        copy.setProperty(StoredForm.PRIOR_DELIVERIES, failures);
        TimerForm.park(copy, storeName, partition);
        byte[] properties = StoredForm.encodeProperties(copy, message.senderConnectionId());
        MessageRecord real = StoredForm.toRecord(storeName, partition, copy, properties, message.stored().body(),
                clock.millis());
        return TimerForm.timerRecord(real, dueMillis);
    }

    private MessageRecord deadLetter(Subscription subscription, DecodedMessage message, RedeliveryPolicy policy,
                                     int failures) {
        String queueName = DeadLetters.queueName(subscription);
        Destination queue = deadLetterQueue(queueName);
        long now = clock.millis();
        WireMessage letter = message.message();
        DeadLetters.mark(letter, subscription, "maxReconsumeTimes " + policy.maxReconsumeTimes() + " exceeded",
                failures, now);
        byte[] properties = StoredForm.encodeProperties(letter, null);
        return StoredForm.toRecord(queue.storeName(), 0, letter, properties, message.stored().body(), now);
    }

    /** Finds or creates a dead-letter queue (an ordinary queue). */
    Destination deadLetterQueue(String name) {
        Destination queue = destinations.find(DestinationRef.Kind.QUEUE, name);
        return queue != null ? queue : destinations.create(DestinationRef.Kind.QUEUE, name, null);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("failed messages still being moved at shutdown; they are redelivered after the restart");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
