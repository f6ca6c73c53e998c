package io.keelmq.server.consume;

import io.keelmq.server.message.Delivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PULL with long polling (RocketMQ's PullRequestHoldService, without its polling): a pull
 * that finds nothing is held, at most {@code brokerSuspendMaxTimeMillis}, and tried again
 * only when something could have changed: a message arrived on its destination, a message
 * was released on its subscription, or a deferred message became due. Never a busy loop.
 * A standing pull (see {@link HeldPull}) is tried the same way, each time its client's window has room.
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
     * Answers a one-shot PULL now if messages are available, else holds it; starts a standing PULL (see
     * {@link HeldPull}). A consumer has at most one held pull: a new PULL ends the previous one first.
     *
     * @param standingId the client's id of a standing pull, 0 for a one-shot pull; a standing pull needs a hold time
     * @param answerLimit the most one answer may carry
     * @param requests   the executor of the connection's requests, on which this is called; a held pull is tried
     *                   again only there (see {@link HeldPull})
     */
    public void pull(ConsumerState consumer, long standingId, int maxMessages, long maxBytes, long answerLimit,
                     long holdMillis, RequestExecutor requests, HeldPull.Answer answer) throws IOException {
        HeldPull previous = consumer.heldPull().get();
        if (previous != null) {
            previous.complete(List.of());
        }
        long hold = Math.min(Math.max(0, holdMillis), maxHoldMillis);
        if (standingId != 0 && hold > 0 && !consumer.isClosed()) {
            HeldPull standing = hold(consumer, standingId, maxMessages, maxBytes, answerLimit, hold, requests, answer);
            attempt(standing, null);
            return;
        }
        Subscription subscription = consumer.subscription();
        Claim claim = subscription.claim(consumer, maxMessages, Math.min(maxBytes, answerLimit), null);
        if (!claim.deliveries().isEmpty() || (hold == 0 && !claim.moreToScan()) || consumer.isClosed()) {
            answer.last(claim.deliveries());
            return;
        }
        HeldPull held = hold(consumer, 0, maxMessages, maxBytes, answerLimit, hold, requests, answer);
        // Registered before trying again: a message that arrived since the claim is not missed.
        attempt(held, null);
    }

    private HeldPull hold(ConsumerState consumer, long standingId, int maxMessages, long maxBytes, long answerLimit,
                          long hold, RequestExecutor requests, HeldPull.Answer answer) {
        HeldPull held = new HeldPull(consumer, standingId, maxMessages, maxBytes, answerLimit, requests, answer);
        consumer.heldPull().set(held);
        held.timeout(timer.schedule(() -> held.complete(List.of()), Math.max(hold, 1), TimeUnit.MILLISECONDS));
        return held;
    }

    /**
     * CREDIT (on the connection's request executor): widens the consumer's standing pull {@code standingId} to the
     * cumulative totals given and claims for it. A CREDIT for a pull that has ended meanwhile is dropped: the client
     * learns of the end from the pull's last answer and starts a new one.
     */
    public void credit(ConsumerState consumer, long standingId, long messages, long bytes) {
        HeldPull held = consumer.heldPull().get();
        if (held == null || held.standingId() != standingId || held.isDone()) {
            return;
        }
        held.grant(messages, bytes);
        attempt(held, null);
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
     * Something changed on {@code subscription}: try its held pulls again, each on its own connection's request
     * executor, one after another ({@link WakeChain}) until a claim shows that nothing is left for the others. When a
     * request releases messages and calls this, the held pulls of its own connection are tried after that request, so
     * after its answer is written.
     */
    public void wake(Subscription subscription) {
        List<ConsumerState> consumers = subscription.consumers();
        if (consumers.isEmpty()) {
            return;
        }
        // The first pull retried usually takes what arrived; starting at a rotating consumer spreads a trickle of
        // messages over competing consumers instead of always favouring the first one registered.
        new WakeChain(consumers, Math.floorMod(wakeRotation.getAndIncrement(), consumers.size())).next();
    }

    /**
     * One wake's way through a subscription's held pulls. Trying them all at once cost a thread hand-off and a claim
     * per consumer for every arrival, though the first claim usually takes everything that arrived; so the next held
     * pull is tried only when the previous claim may have left something another consumer could take (its batch was
     * full, or it passed over messages not for its consumer).
     */
    private final class WakeChain {
        private final List<ConsumerState> consumers;
        private final int first;
        private int tried;

        WakeChain(List<ConsumerState> consumers, int first) {
            this.consumers = consumers;
            this.first = first;
        }

        /**
         * Tries the next consumer's held pull, if any consumer is left that holds one. The first try runs on the
         * waking thread (after an arrival: under SYNC_FLUSH the thread that forced, once it has answered the
         * force's sends; see the store's {@code Dispatcher.announceArrivals}) when that pull's connection has nothing
         * queued or running: the connection's turn is the same, and the claim and the write of its answer cost no
         * worker wake-up, which on a busy machine costs about as much as the claim. Later tries go to their executors.
         */
        void next() {
            while (tried < consumers.size()) {
                boolean firstTry = tried == 0;
                HeldPull held = consumers.get((first + tried++) % consumers.size()).heldPull().get();
                if (held != null && held.hasCredit()) {
                    if (firstTry) {
                        retryHereIfIdle(held, this);
                    } else {
                        retry(held, this);
                    }
                    return;
                }
            }
        }
    }

    private void attempt(HeldPull held, WakeChain chain) {
        if (!held.hasCredit()) {
            // Ended, or a standing pull whose window is full: its client grants more with CREDIT.
            if (chain != null) {
                chain.next();
            }
            return;
        }
        ConsumerState consumer = held.consumer();
        Subscription subscription = consumer.subscription();
        boolean others = true;
        try {
            Claim claim = subscription.claim(consumer, held.maxMessages(), held.maxBytes(), held);
            List<Delivery> deliveries = claim.deliveries();
            others = claim.leftForOthers();
            if (!deliveries.isEmpty()) {
                if (!held.offer(deliveries)) {
                    giveBack(consumer, deliveries);
                } else if (held.isStanding() && claim.stoppedShort() && held.hasCredit()) {
                    // Window left and messages maybe too (a backlog): nothing else would wake it before CREDIT.
                    retry(held, chain);
                    return;
                }
            } else if (claim.moreToScan()) {
                retry(held, chain);
                return;
            } else {
                scheduleDeferred(subscription);
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("pull for {} failed", consumer, e);
            held.complete(List.of());
        }
        if (chain != null && others) {
            chain.next();
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

    private void retryHereIfIdle(HeldPull held, WakeChain chain) {
        try {
            held.requests().executeHereIfIdle(() -> attempt(held, chain));
        } catch (RejectedExecutionException e) {
            // The broker is shutting down; held pulls end with their connections.
        }
    }

    private void retry(HeldPull held, WakeChain chain) {
        try {
            held.requests().execute(() -> attempt(held, chain));
        } catch (RejectedExecutionException e) {
            // The broker is shutting down; held pulls end with their connections.
        }
    }
}
