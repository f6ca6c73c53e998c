package io.keelmq.server.consume;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.protocol.selector.SelectorParseException;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.destination.DestinationListener;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.MessageStore;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.position.SubscriptionPositions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * Owns every subscription and decides which one a new consumer joins: a queue's implicit
 * one, a fresh non-durable one, or a shared or durable one by name, applying the JMS rules
 * (one active consumer on an unshared durable subscription, a changed definition replaces an
 * inactive one, a client id for unshared durable ones, temporary destinations only for their
 * own connection).
 *
 * <p>Queue and durable subscriptions are persisted (store positions, delivery marks,
 * {@link DurableSubscriptions}); non-durable, shared non-durable and temporary-queue ones use
 * an in-memory positions table that is never written.
 */
public final class SubscriptionManager implements DestinationListener {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionManager.class);

    private final MessageStore store;
    private final DestinationRegistry destinations;
    private final SubscriptionPositions ephemeralPositions;
    private final DeliveryMarks marks;
    private final DurableSubscriptions durableFile;
    private final int markChunk;
    private final Clock clock;
    /** suspendCurrentQueueTimeMillis: how long a message group pauses after a failed delivery. */
    private final long groupPauseMillis;
    private final Map<String, Subscription> byKey = new HashMap<>();
    private final Map<String, DurableSubscriptions.Definition> durableDefinitions = new HashMap<>();
    private final Map<String, Set<Subscription>> byDestination = new ConcurrentHashMap<>();
    private FailedDeliveries failedDeliveries;
    /** Told after the durable subscriptions' file changed (replication sends it at once); never null. */
    private volatile Runnable durablesChanged = () -> { };

    public SubscriptionManager(MessageStore store, DestinationRegistry destinations, Path configDir, int markChunk,
                               Clock clock, long groupPauseMillis) {
        this.store = store;
        this.destinations = destinations;
        // Never persisted: its file name only satisfies the constructor.
        this.ephemeralPositions = new SubscriptionPositions(ChannelFileLayer.INSTANCE,
                configDir.resolve("ephemeral-positions-never-written"));
        this.marks = new DeliveryMarks(configDir);
        this.durableFile = new DurableSubscriptions(configDir);
        this.markChunk = markChunk;
        this.clock = clock;
        this.groupPauseMillis = groupPauseMillis;
    }

    /** The handler of failed deliveries (redelivery backoff, dead letters) every subscription uses; before load. */
    public synchronized void failedDeliveries(FailedDeliveries handler) {
        this.failedDeliveries = handler;
    }

    /** {@code listener} runs after every change of the durable subscriptions' file (replication, see HaService). */
    public void onDurablesChanged(Runnable listener) {
        this.durablesChanged = listener;
    }

    /** Loads marks and durable definitions and opens the subscription of every known queue. */
    public synchronized void load() throws IOException {
        marks.load();
        for (Destination destination : destinations.all()) {
            if (destination.isQueue()) {
                add(newSubscription(destination.storeName(), SubscriptionKind.QUEUE, destination,
                        SubscriptionSpec.QUEUE, StartPosition.FIRST));
            }
        }
        for (DurableSubscriptions.Definition definition : durableFile.load()) {
            Destination topic = destinations.find(DestinationRef.Kind.TOPIC, definition.topic());
            if (topic == null) {
                LOG.warn("durable subscription {} names topic '{}' which no longer exists; dropped", definition.key(),
                        definition.topic());
                continue;
            }
            Selector selector;
            try {
                selector = Selector.parse(definition.selector());
            } catch (SelectorParseException e) {
                throw new IOException("durable subscription " + definition.key() + " has an invalid selector", e);
            }
            durableDefinitions.put(definition.key(), definition);
            add(newSubscription(definition.key(), definition.shared() ? SubscriptionKind.SHARED_DURABLE
                    : SubscriptionKind.DURABLE, topic, new SubscriptionSpec(definition.clientId(), definition.name(),
                    selector, definition.noLocal()), StartPosition.FIRST));
        }
        LOG.info("{} subscriptions loaded ({} durable)", byKey.size(), durableDefinitions.size());
    }

    /**
     * A slave elected master in place (controller mode): the queues it learnt from replication
     * ({@code adoptReplicated}) get their subscription now, from their first offset, as {@link #load} opens them
     * when a slave's data directory is started as a master.
     */
    public synchronized void openReplicatedQueues() {
        int opened = 0;
        for (Destination destination : destinations.all()) {
            if (destination.isQueue() && !byKey.containsKey(destination.storeName())) {
                add(newSubscription(destination.storeName(), SubscriptionKind.QUEUE, destination,
                        SubscriptionSpec.QUEUE, StartPosition.FIRST));
                opened++;
            }
        }
        LOG.info("{} replicated queues opened", opened);
    }

    // ------------------------------------------------------------------ destination events

    @Override
    public synchronized void created(Destination destination) {
        if (destination.isQueue()) {
            add(newSubscription(destination.storeName(), SubscriptionKind.QUEUE, destination, SubscriptionSpec.QUEUE,
                    StartPosition.LAST));
            persistPositions(destination);
        }
    }

    @Override
    public synchronized void deleted(Destination destination) {
        for (Subscription subscription : onDestination(destination.storeName())) {
            drop(subscription);
        }
    }

    /** Whether any consumer is open on a subscription of {@code destination}. */
    public boolean hasConsumers(Destination destination) {
        for (Subscription subscription : onDestination(destination.storeName())) {
            if (subscription.hasConsumers()) {
                return true;
            }
        }
        return false;
    }

    /** The subscriptions reading a store destination (for arrival wake-ups). */
    public Set<Subscription> onDestination(String storeDestination) {
        return byDestination.getOrDefault(storeDestination, Set.of());
    }

    /** The queue's implicit subscription, or null if the destination is not a queue. */
    public synchronized Subscription queueSubscription(Destination destination) {
        return destination.isQueue() ? byKey.get(destination.storeName()) : null;
    }

    /** Every subscription, for administration. */
    public synchronized List<Subscription> all() {
        return new ArrayList<>(byKey.values());
    }

    /** The durable subscription (shared or not) of a client id (null: none) and name, or null. */
    public synchronized Subscription durableSubscription(String clientId, String name) {
        return byKey.get(durableKey(clientId, name));
    }

    // ------------------------------------------------------------------ consumers

    /** Joins a new consumer to the subscription its request describes, creating or replacing it. */
    public synchronized ConsumerState open(ConsumerRequest request) {
        Destination destination = request.destination();
        if (destination.isTemporary() && !destination.ownerConnectionId().equals(request.connectionId())) {
            throw RequestException.illegalState("only the connection that created temporary destination '"
                    + destination.name() + "' may consume from it");
        }
        Subscription subscription;
        if (destination.isQueue()) {
            subscription = byKey.get(destination.storeName());
            if (subscription == null) {
                throw RequestException.notFound(destination + " does not exist");
            }
            return subscription.attach(request.consumerId(), request.connectionId(), request.session(),
                    request.selector(), false);
        }
        SubscriptionSpec spec = new SubscriptionSpec(request.clientId(), request.subscriptionName(),
                request.selector(), request.noLocal());
        if (request.durable()) {
            subscription = durable(request, spec);
        } else if (request.shared()) {
            subscription = sharedNonDurable(request, spec);
        } else {
            subscription = add(newSubscription("nondurable:" + request.connectionId() + ":" + request.consumerId(),
                    SubscriptionKind.NON_DURABLE, destination, spec, StartPosition.LAST));
        }
        return subscription.attach(request.consumerId(), request.connectionId(), request.session(),
                Selector.MATCH_ALL, request.noLocal());
    }

    private Subscription durable(ConsumerRequest request, SubscriptionSpec spec) {
        String name = requireName(request);
        if (!request.shared() && request.clientId() == null) {
            // Spec: createDurableConsumer and createDurableSubscriber throw IllegalStateException "if the client
            // identifier is unset" (the TCK's illegalStateRuntimeExceptionTest checks it).
            throw RequestException.illegalState(
                    "an unshared durable subscription needs a client id; set one on the connection");
        }
        if (request.destination().isTemporary()) {
            throw RequestException.illegalState("a durable subscription cannot be created on temporary topic '"
                    + request.destination().name() + "'");
        }
        String key = durableKey(request.clientId(), name);
        Subscription existing = byKey.get(key);
        SubscriptionKind kind = request.shared() ? SubscriptionKind.SHARED_DURABLE : SubscriptionKind.DURABLE;
        if (existing != null && existing.kind() != kind) {
            // Spec 8.3.3/8.3.4: a shared and an unshared durable subscription may not have the same name and client
            // id; creating one when the other exists is an error, not a replacement, even with no consumer active.
            throw RequestException.illegalState("durable subscription '" + name + "' exists already as "
                    + (existing.kind() == SubscriptionKind.SHARED_DURABLE ? "a shared" : "an unshared")
                    + " durable subscription; unsubscribe it first");
        }
        if (existing != null) {
            boolean same = existing.destination() == request.destination()
                    && existing.spec().sameDefinition(spec.selector(), spec.noLocal());
            if (same && (request.shared() || !existing.hasConsumers())) {
                return existing;
            }
            if (existing.hasConsumers()) {
                throw RequestException.illegalState("durable subscription '" + name + "' is already active"
                        + (same ? "" : " with another topic, selector or noLocal"));
            }
            LOG.info("durable subscription {} redefined: replacing it", key);
            removeDurable(existing);
        }
        Subscription created = add(newSubscription(key, kind, request.destination(), spec, request.start()));
        durableDefinitions.put(key, new DurableSubscriptions.Definition(key, request.shared(), request.clientId(),
                name, request.destination().name(), spec.selector().text(), spec.noLocal()));
        persistDurables();
        persistPositions(request.destination());
        return created;
    }

    private Subscription sharedNonDurable(ConsumerRequest request, SubscriptionSpec spec) {
        String name = requireName(request);
        String key = "shared:" + lengthPrefixed(request.clientId()) + lengthPrefixed(name);
        Subscription existing = byKey.get(key);
        if (existing != null) {
            if (existing.destination() == request.destination()
                    && existing.spec().sameDefinition(spec.selector(), spec.noLocal())) {
                return existing;
            }
            if (existing.hasConsumers()) {
                throw RequestException.illegalState("shared subscription '" + name
                        + "' is active with another topic, selector or noLocal");
            }
            drop(existing);
        }
        return add(newSubscription(key, SubscriptionKind.SHARED, request.destination(), spec, StartPosition.LAST));
    }

    /**
     * Closes a consumer. Its messages in flight stay with its session; a non-durable
     * subscription ends with it (and a shared one with its last consumer).
     */
    public synchronized void close(ConsumerState consumer) {
        Subscription subscription = consumer.subscription();
        subscription.detach(consumer);
        if (subscription.kind() == SubscriptionKind.NON_DURABLE
                || subscription.kind() == SubscriptionKind.SHARED && !subscription.hasConsumers()) {
            drop(subscription);
        }
    }

    /**
     * UNSUBSCRIBE: deletes a durable subscription that no consumer is using.
     *
     * @param authorize checks that the caller may remove a durable subscription of the given topic (throws if not)
     */
    public synchronized void unsubscribe(String clientId, String name, Consumer<Destination> authorize) {
        Subscription subscription = byKey.get(durableKey(clientId, name));
        if (subscription == null) {
            throw RequestException.notFound("no durable subscription '" + name + "'"
                    + (clientId == null ? " without client id" : " for client id '" + clientId + "'"));
        }
        authorize.accept(subscription.destination());
        if (subscription.hasConsumers()) {
            throw RequestException.illegalState("durable subscription '" + name + "' has an active consumer");
        }
        removeDurable(subscription);
        LOG.info("unsubscribed durable subscription {}", subscription.key());
    }

    // ------------------------------------------------------------------ shutdown

    /** Clean shutdown: exact delivery marks, written once the background reservations are done. */
    public synchronized void persistMarks() throws IOException {
        try {
            marks.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Subscription subscription : byKey.values()) {
            subscription.recordExactMarks();
        }
        marks.persist();
    }

    // ------------------------------------------------------------------ internals

    private Subscription newSubscription(String key, SubscriptionKind kind, Destination destination,
                                         SubscriptionSpec spec, StartPosition start) {
        boolean persisted = kind == SubscriptionKind.QUEUE && !destination.isTemporary() || kind.isDurable();
        Subscription subscription = new Subscription(key, kind, destination, spec, store,
                persisted ? store.positions() : ephemeralPositions, persisted ? marks : null, markChunk, clock,
                start, groupPauseMillis);
        subscription.failedDeliveries(failedDeliveries);
        return subscription;
    }

    private Subscription add(Subscription subscription) {
        byKey.put(subscription.key(), subscription);
        byDestination.computeIfAbsent(subscription.destination().storeName(), k -> new CopyOnWriteArraySet<>())
                .add(subscription);
        return subscription;
    }

    private void drop(Subscription subscription) {
        subscription.close();
        byKey.remove(subscription.key(), subscription);
        Set<Subscription> set = byDestination.get(subscription.destination().storeName());
        if (set != null) {
            set.remove(subscription);
        }
        if (subscription.isPersisted()) {
            store.positions().unregister(subscription.key());
            try {
                marks.forget(subscription.key());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write delivery marks", e);
            }
            if (durableDefinitions.remove(subscription.key()) != null) {
                persistDurables();
            }
        } else {
            ephemeralPositions.unregister(subscription.key());
        }
    }

    private void removeDurable(Subscription subscription) {
        drop(subscription);
        persistPositions(subscription.destination());
    }

    private void persistDurables() {
        try {
            durableFile.write(new ArrayList<>(durableDefinitions.values()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write durable subscriptions", e);
        }
        durablesChanged.run();
    }

    /** A new persisted subscription's start must be on disk before messages it should see are acknowledged. */
    private void persistPositions(Destination destination) {
        try {
            store.positions().persist();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot persist subscription positions for " + destination, e);
        }
    }

    private static String requireName(ConsumerRequest request) {
        String name = request.subscriptionName();
        if (name == null || name.isEmpty()) {
            throw RequestException.illegalState("a " + (request.durable() ? "durable" : "shared")
                    + " subscription needs a subscriptionName");
        }
        return name;
    }

    /** Durable subscriptions are named by client id (or none) and name, unambiguously. */
    private static String durableKey(String clientId, String name) {
        return "durable:" + lengthPrefixed(clientId) + lengthPrefixed(name);
    }

    private static String lengthPrefixed(String part) {
        return part == null ? "-:" : part.length() + ":" + part;
    }
}
