package io.keelmq.server.connection;

import io.keelmq.server.consume.PullService;
import io.keelmq.server.consume.Subscription;
import io.keelmq.server.consume.SubscriptionManager;
import io.keelmq.server.tx.ConsumedMessages;
import io.keelmq.server.tx.HeldMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * At start-up, the messages a prepared XA branch consumed before the restart are locked again in their subscriptions
 * ({@link Subscription#holdForBranch}: in flight to no consumer), so no other consumer receives them until the
 * transaction manager decides: commit acknowledges them, rollback releases them with a delivery-count increment
 * (redelivery levels, DLQ), as for a branch decided before any restart.
 */
public final class RestoredConsumption implements ConsumedMessages.Restorer {
    private static final Logger LOG = LoggerFactory.getLogger(RestoredConsumption.class);

    private final SubscriptionManager subscriptions;
    private final PullService pulls;

    public RestoredConsumption(SubscriptionManager subscriptions, PullService pulls) {
        this.subscriptions = subscriptions;
        this.pulls = pulls;
    }

    @Override
    public ConsumedMessages restore(List<HeldMessage> held) {
        Map<String, Subscription> byKey = subscriptions.all().stream()
                .collect(Collectors.toMap(Subscription::key, Function.identity(), (a, b) -> a));
        List<Locked> locked = new ArrayList<>();
        for (HeldMessage message : held) {
            Subscription subscription = byKey.get(message.subscription());
            if (subscription == null) {
                LOG.warn("XA branch held message {}/{} of subscription {}, which no longer exists", message.partition(),
                        message.queueOffset(), message.subscription());
            } else if (subscription.holdForBranch(message.partition(), message.queueOffset(),
                    message.deliveryCount())) {
                locked.add(new Locked(subscription, message));
            }
        }
        return new Restored(locked, List.copyOf(held));
    }

    private record Locked(Subscription subscription, HeldMessage message) {
    }

    private final class Restored implements ConsumedMessages {
        private final List<Locked> locked;
        private final List<HeldMessage> held;

        Restored(List<Locked> locked, List<HeldMessage> held) {
            this.locked = locked;
            this.held = held;
        }

        @Override
        public CompletableFuture<Void> acknowledge() {
            for (Locked lock : locked) {
                lock.subscription().ack(null, lock.message().partition(), lock.message().queueOffset());
                if (lock.subscription().takeGroupsFreed()) {
                    pulls.wake(lock.subscription());
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void release() {
            for (Locked lock : locked) {
                lock.subscription().release(null, lock.message().partition(), lock.message().queueOffset(), true);
                pulls.wake(lock.subscription());
            }
        }

        @Override
        public boolean isEmpty() {
            return locked.isEmpty();
        }

        @Override
        public boolean holds(Object consumer, int partition, long queueOffset) {
            return false;
        }

        @Override
        public List<HeldMessage> held() {
            return held;
        }
    }
}
