package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * PULL with long polling (RocketMQ's PullRequestHoldService, without its polling): a pull
 * that finds nothing is held, at most {@code brokerSuspendMaxTimeMillis}, and tried again
 * only when something could have changed: a message arrived on its destination, a message
 * was released on its subscription, or a deferred message became due. Never a busy loop.
 */
public final class PullService {
    private static final Logger LOG = LoggerFactory.getLogger(PullService.class);

    private final SubscriptionManager subscriptions;
    private final ScheduledExecutorService timer;
    private final long maxHoldMillis;
    private final Clock clock;

    /** Where the next wake starts among a subscription's consumers (see {@link #wake}). */
    private final AtomicInteger wakeRotation = new AtomicInteger();

    public PullService(SubscriptionManager subscriptions, ScheduledExecutorService timer, long maxHoldMillis,
                       Clock clock) {
        this.subscriptions = subscriptions;
        this.timer = timer;
        this.maxHoldMillis = maxHoldMillis;
        this.clock = clock;
    }

    /** The store's arrival notice (dispatcher thread): wake the pulls held on that destination. */
    public void arrived(String storeDestination) {
        for (Subscription subscription : subscriptions.onDestination(storeDestination)) {
            wake(subscription);
        }
    }

    /**
     * Answers a PULL now if messages are available, else holds it. A consumer has at most one
     * held pull: a new PULL answers the previous one empty first.
     *
     * @param requests the executor of the connection's requests, on which this is called; a held
     *                 pull is tried again only there (see {@link HeldPull})
     */
    public void pull(ConsumerState consumer, int maxMessages, long maxBytes, long holdMillis, Executor requests,
                     Consumer<List<Delivery>> answer) throws IOException {
        HeldPull previous = consumer.heldPull().get();
        if (previous != null) {
            previous.complete(List.of());
        }
        Subscription subscription = consumer.subscription();
        Claim claim = subscription.claim(consumer, maxMessages, maxBytes, null);
        long hold = Math.min(Math.max(0, holdMillis), maxHoldMillis);
        if (!claim.deliveries().isEmpty() || (hold == 0 && !claim.moreToScan()) || consumer.isClosed()) {
            answer.accept(claim.deliveries());
            return;
        }
        HeldPull held = new HeldPull(consumer, maxMessages, maxBytes, requests, answer);
        consumer.heldPull().set(held);
        held.timeout(timer.schedule(() -> held.complete(List.of()), Math.max(hold, 1), TimeUnit.MILLISECONDS));
        // Registered before trying again: a message that arrived since the claim is not missed.
        attempt(held);
    }

    /** Answers the consumer's held pull empty (consumer closing). */
    public void cancel(ConsumerState consumer, boolean answer) {
        HeldPull held = consumer.heldPull().get();
        if (held != null) {
            if (answer) {
                held.complete(List.of());
            } else {
                held.abandon();
            }
        }
    }

    /**
     * Something changed on {@code subscription}: try its held pulls again, each on its own
     * connection's request executor. When a request releases messages and calls this, the held
     * pulls of its own connection are tried after that request, so after its answer is written.
     */
    public void wake(Subscription subscription) {
        List<ConsumerState> consumers = subscription.consumers();
        int count = consumers.size();
        if (count == 0) {
            return;
        }
        // The first pull retried usually takes what arrived; starting at a rotating consumer spreads a trickle of
        // messages over competing consumers instead of always favouring the first one registered.
        int first = Math.floorMod(wakeRotation.getAndIncrement(), count);
        for (int i = 0; i < count; i++) {
            HeldPull held = consumers.get((first + i) % count).heldPull().get();
            if (held != null) {
                retry(held);
            }
        }
    }

    private void attempt(HeldPull held) {
        if (held.isDone()) {
            return;
        }
        ConsumerState consumer = held.consumer();
        Subscription subscription = consumer.subscription();
        try {
            Claim claim = subscription.claim(consumer, held.maxMessages(), held.maxBytes(), held);
            List<Delivery> deliveries = claim.deliveries();
            if (!deliveries.isEmpty()) {
                if (!held.complete(deliveries)) {
                    giveBack(consumer, deliveries);
                }
            } else if (claim.moreToScan()) {
                retry(held);
            } else {
                scheduleDeferred(subscription);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("pull for {} failed", consumer, e);
            held.complete(List.of());
        }
    }

    /** Messages claimed for a pull that was answered meanwhile go back, uncounted. */
    private void giveBack(ConsumerState consumer, List<Delivery> deliveries) {
        for (Delivery delivery : deliveries) {
            consumer.subscription().release(consumer, delivery.partition(), delivery.queueOffset(), false);
        }
        wake(consumer.subscription());
    }

    /** A message whose JMSDeliveryTime is in the future wakes the held pulls when it is due. */
    private void scheduleDeferred(Subscription subscription) {
        long now = clock.millis();
        long next = subscription.nextDeferredTime(now);
        if (next > 0 && subscription.scheduleWakeAt(next, now)) {
            try {
                timer.schedule(() -> wake(subscription), next - now, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private void retry(HeldPull held) {
        try {
            held.requests().execute(() -> attempt(held));
        } catch (RejectedExecutionException e) {
            // The broker is shutting down; held pulls end with their connections.
        }
    }
}
