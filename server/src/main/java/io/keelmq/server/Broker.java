package io.keelmq.server;

import io.keelmq.protocol.vm.FrameSink;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.connection.BrokerServices;
import io.keelmq.server.connection.Connection;
import io.keelmq.server.connection.ConnectionRegistry;
import io.keelmq.server.consume.BrowseService;
import io.keelmq.server.consume.PullService;
import io.keelmq.server.consume.SubscriptionManager;
import io.keelmq.server.delay.DelayedDelivery;
import io.keelmq.server.delay.TimerForm;
import io.keelmq.server.redelivery.RedeliveryService;
import io.keelmq.server.destination.DestinationRegistry;
import io.keelmq.server.ha.HaService;
import io.keelmq.server.ha.controller.ControllerAgent;
import io.keelmq.server.ha.controller.ControllerMain;
import io.keelmq.server.ha.controller.ControllerServer;
import io.keelmq.server.ha.PromotedReplica;
import io.keelmq.server.ha.ReplicatedState;
import io.keelmq.server.net.NettyServer;
import io.keelmq.server.security.Authenticator;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.FailedLoginThrottle;
import io.keelmq.server.send.SendService;
import io.keelmq.server.tls.ServerSslContextFactory;
import io.keelmq.server.connection.ProducerGroups;
import io.keelmq.server.tx.CheckBacks;
import io.keelmq.server.tx.Materializer;
import io.keelmq.server.tx.ProducerTransactions;
import io.keelmq.server.tx.TransactionService;
import io.keelmq.server.tx.ResourceManagerId;
import io.keelmq.server.tx.XaBranches;
import io.keelmq.server.vm.InVmOutput;
import io.keelmq.store.MessageStore;
import io.keelmq.store.StoreConfig;
import io.keelmq.store.io.ChannelFileLayer;
import io.keelmq.store.io.FileLayer;
import io.keelmq.store.timer.MessageTimer;
import io.keelmq.store.timer.TimerConfig;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running broker: the store, the destination and subscription state, the send and pull
 * services, the TCP listener (unless {@code listenPort=-1}), the TLS listener (if {@code tlsEnabled}) and in-VM
 * connections.
 *
 * <pre>
 * Broker broker = Broker.start(BrokerConfig.builder().set(ConfigKeys.LISTEN_PORT, 0).build());
 * InetSocketAddress where = broker.listenAddress();
 * ...
 * broker.close();   // clean shutdown: connections closed, positions and marks written, store closed
 * </pre>
 */
public final class Broker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private final MessageStore store;
    private final ExecutorService workers;
    private final ScheduledThreadPoolExecutor timer;
    private final SubscriptionManager subscriptions;
    private final SendService sends;
    private final TransactionService transactions;
    private final ProducerTransactions producerTransactions;
    private final XaBranches xa;
    private final CheckBacks checkBacks;
    private final MessageTimer delayTimer;
    private final RedeliveryService redelivery;
    private final BrokerServices services;
    private HaService ha;
    /** The embedded controller peer this broker started and closes; null when there is none or the process owns it. */
    private ControllerServer controller;
    private ControllerAgent agent;
    private boolean masterDutiesStarted;
    private volatile Runnable onReplaced = () -> { };
    private NettyServer server;
    private InetSocketAddress listenAddress;
    private InetSocketAddress tlsListenAddress;
    private volatile boolean running = true;

    private Broker(BrokerConfig config, MessageStore store, FileLayer layer, Authenticator authenticator,
                   Authorizer authorizer) throws IOException {
        this.config = config;
        this.store = store;
        StoreConfig storeConfig = store.config();
        Clock clock = Clock.systemUTC();
        DestinationRegistry destinations = new DestinationRegistry(storeConfig.configDir(),
                config.defaultTopicQueueNums(), config.get(ConfigKeys.SINGLE_PARTITION_DESTINATIONS),
                config.autoCreateTopicEnable());
        destinations.load();
        if (config.brokerRole() != io.keelmq.server.config.BrokerRole.SLAVE) {
            // A slave's copy started as a master: settle marks and positions before any subscription reads them.
            PromotedReplica.prepare(store, layer, destinations);
        }
        this.workers = new ThreadPoolExecutor(config.get(ConfigKeys.SERVER_WORKER_THREADS),
                config.get(ConfigKeys.SERVER_WORKER_THREADS), 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemonThreads("keel-worker"));
        this.timer = new ScheduledThreadPoolExecutor(1, daemonThreads("keel-timer"));
        timer.setRemoveOnCancelPolicy(true);
        this.subscriptions = new SubscriptionManager(store, destinations, storeConfig.configDir(),
                config.get(ConfigKeys.DELIVERY_MARK_CHUNK), clock,
                config.get(ConfigKeys.SUSPEND_CURRENT_QUEUE_TIME_MILLIS));
        this.redelivery = new RedeliveryService(config, store, destinations, subscriptions, clock);
        subscriptions.failedDeliveries(redelivery);
        subscriptions.load();
        destinations.addListener(subscriptions);
        PullService pulls = new PullService(subscriptions, timer, config.get(ConfigKeys.BROKER_SUSPEND_MAX_TIME_MILLIS),
                clock);
        store.addArrivalListener((destination, partition, maxOffset) -> pulls.arrived(destination));
        redelivery.pulls(pulls);
        this.sends = new SendService(config, store, destinations, clock);
        this.transactions = new TransactionService(store, new Materializer(store, destinations, sends::whenDispatched),
                clock, sends::replicationShortfall);
        store.addRetentionFloor(transactions);
        this.producerTransactions = new ProducerTransactions(store, transactions, clock);
        store.addRetentionFloor(producerTransactions);
        ProducerGroups producerGroups = new ProducerGroups();
        this.checkBacks = new CheckBacks(producerTransactions, store, producerGroups, clock,
                new CheckBacks.Settings(config.get(ConfigKeys.TRANSACTION_TIME_OUT),
                        config.get(ConfigKeys.TRANSACTION_CHECK_INTERVAL), config.get(ConfigKeys.TRANSACTION_CHECK_MAX)));
        this.delayTimer = MessageTimer.open(store, layer, clock,
                new TimerConfig(TimerForm.DESTINATION, config.get(ConfigKeys.TIMER_PRECISION_MS),
                        config.get(ConfigKeys.TIMER_WHEEL_SLOTS), TimerConfig.defaults(TimerForm.DESTINATION).logFileSize()),
                new DelayedDelivery(store, clock, config.get(ConfigKeys.MESSAGE_INDEX_ENABLE)));
        this.xa = new XaBranches(store, transactions, clock);
        store.addRetentionFloor(xa);
        this.services = new BrokerServices(config, store, destinations, subscriptions, pulls, sends, transactions,
                producerTransactions, xa, ResourceManagerId.load(store.config().storePathRootDir()), producerGroups,
                new BrowseService(store, clock), new ConnectionRegistry(), workers, authenticator,
                authorizer, new FailedLoginThrottle(clock), timer);
    }

    /**
     * Opens (or recovers) the store and starts serving.
     *
     * @throws ConfigException if the configuration is invalid (e.g. a broker role not available yet)
     * @throws IOException if the store cannot be opened
     * @throws InterruptedException if interrupted while binding the listener
     */
    public static Broker start(BrokerConfig config) throws ConfigException, IOException, InterruptedException {
        return start(config, ChannelFileLayer.INSTANCE);
    }

    /**
     * Like {@link #start(BrokerConfig)}, with the store's files (commit log, consume queues, index, timer) on
     * {@code layer}: tests use a size-limited one to run the broker on a small file system without root.
     */
    public static Broker start(BrokerConfig config, FileLayer layer)
            throws ConfigException, IOException, InterruptedException {
        return start(config, layer, null);
    }

    /**
     * Like {@link #start(BrokerConfig, FileLayer)}; with {@code processController} the controller peer that the
     * process runs for {@code enableControllerInBroker}, owned (and closed) by the caller, not by this broker. A
     * broker restarted in place ({@link RunningBroker}) keeps its process's peer: closing the peer would take the
     * controller's Raft leadership away at the very moment a failover needs it, and leave the group's election to
     * two peers of which one has just restarted. {@code null}: the broker starts and closes its own peer.
     */
    static Broker start(BrokerConfig config, FileLayer layer, ControllerServer processController)
            throws ConfigException, IOException, InterruptedException {
        config.validate();
        Authenticator authenticator = null;
        Authorizer authorizer = null;
        if (config.get(ConfigKeys.AUTHENTICATION_ENABLED)) {
            authenticator = Authenticator.load(config.get(ConfigKeys.USERS_FILE));
            authorizer = Authorizer.load(authenticator, config.get(ConfigKeys.AUTHORIZATION_FILE));
        } else {
            LOG.warn("authenticationEnabled=false: any client can connect without credentials; set "
                    + "authenticationEnabled=true and usersFile to require a user and password");
            if (config.get(ConfigKeys.AUTHORIZATION_FILE) != null) {
                LOG.warn("authorizationFile is ignored: permissions apply only when authenticationEnabled=true");
            }
        }
        // Read before the store opens: a bad key store is a configuration error, not a half-started broker.
        SslContext tls = config.get(ConfigKeys.TLS_ENABLED) ? ServerSslContextFactory.create(config) : null;
        MessageStore store = MessageStore.open(config.toStoreConfig(), layer, Clock.systemUTC());
        LOG.info("store {} ({}): {}", store.config().storePathRootDir().toAbsolutePath(), config.flushDiskType(),
                store.recoveryReport());
        Broker broker;
        try {
            broker = new Broker(config, store, layer, authenticator, authorizer);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
        try {
            if (config.get(ConfigKeys.ENABLE_CONTROLLER_IN_BROKER) && processController == null) {
                broker.controller = ControllerMain.start(config);
            }
            broker.ha = HaService.start(config, store, broker.replicatedState(layer));
            if (broker.ha != null) {
                broker.sends.replication(broker.ha);
            }
            if (broker.ha != null && broker.ha.isSlave()) {
                // A slave's commit log is its master's copy: none of the broker's own writers (transaction
                // completion, check-backs, XA timeouts, due delayed messages) may append to it. In controller
                // mode they start when the controller elects this broker (startMasterDuties).
                LOG.info(broker.ha.controlled() ? "controller mode: waiting for the controller's decision"
                        : "SLAVE of {}: replicating, taking no sends", config.haMasterAddress());
                store.addArrivalListener((destination, partition, maxOffset) ->
                        broker.services.destinations().adoptReplicated(destination));
            } else {
                broker.startMasterDuties();
            }
            if (config.listenPort() >= 0 || tls != null) {
                broker.server = new NettyServer(config, broker.services);
            }
            if (config.listenPort() >= 0) {
                broker.listenAddress = broker.server.start();
            }
            if (tls != null) {
                broker.tlsListenAddress = broker.server.startTls(tls);
            }
            if (broker.ha != null) {
                broker.ha.clientAddress(broker.listenAddress);
                if (broker.ha.controlled()) {
                    InetSocketAddress clients = broker.listenAddress;
                    broker.agent = ControllerAgent.start(config, broker.ha, store,
                            clients == null ? "" : clients.getHostString() + ":" + clients.getPort(),
                            broker::startMasterDuties, () -> broker.onReplaced.run(),
                            processController != null ? processController : broker.controller);
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    /**
     * What only a master does: recover transactions and XA branches (their completion records go into the log),
     * expire XA branches, check back transactional producers, deliver due delayed messages. At start for a master;
     * in controller mode once the controller elects this broker (after its epoch is durable).
     */
    private synchronized void startMasterDuties() throws IOException {
        if (masterDutiesStarted) {
            return;
        }
        masterDutiesStarted = true;
        if (ha != null && ha.controlled()) {
            subscriptions.openReplicatedQueues();
        }
        // Before the transactions' recovery writes DONE records: a committed XA branch without DONE
        // acknowledges its consumed messages again.
        xa.recover(new io.keelmq.server.connection.RestoredConsumption(subscriptions, services.pulls()));
        int completed = transactions.recover();
        if (completed > 0) {
            LOG.info("{} committed transactions completed at start-up", completed);
        }
        producerTransactions.recover();
        // Unprepared XA branches past their transaction timeout are rolled back by the broker.
        timer.scheduleWithFixedDelay(xa::expire, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        checkBacks.start(timer, workers);
        delayTimer.start();
    }

    /**
     * Controller mode: what to do once this broker, master until now, learns that the controller elected another
     * (keel-server restarts it in place to rejoin as a slave: {@code RunningBroker}).
     */
    public void onReplaced(Runnable action) {
        this.onReplaced = action;
    }

    /**
     * The state outside the commit log that replication sends a slave (see ReplicatedState); changes of durable
     * subscriptions and destinations are sent at once, positions after each acknowledgement (HaMaster).
     */
    private ReplicatedState replicatedState(FileLayer layer) {
        DestinationRegistry destinations = services.destinations();
        ReplicatedState state = new ReplicatedState(store, layer, destinations,
                ResourceManagerId.file(store.config().storePathRootDir()));
        subscriptions.onDurablesChanged(state::changed);
        destinations.addListener(new io.keelmq.server.destination.DestinationListener() {
            @Override
            public void created(io.keelmq.server.destination.Destination destination) {
                state.changed();
            }

            @Override
            public void deleted(io.keelmq.server.destination.Destination destination) {
                state.changed();
            }
        });
        return state;
    }

    /** The bound TCP address, or null when the broker has no listener ({@code listenPort=-1}). */
    public InetSocketAddress listenAddress() {
        return listenAddress;
    }

    /** The bound TLS address ({@code keel+ssl://}), or null unless {@code tlsEnabled}. */
    public InetSocketAddress tlsListenAddress() {
        return tlsListenAddress;
    }

    public BrokerConfig config() {
        return config;
    }

    /** Replication (brokerRole), or null on a standalone broker. */
    public HaService ha() {
        return ha;
    }

    /** The store, for tools and tests; requests never bypass the broker to change it. */
    public MessageStore store() {
        return store;
    }

    /** The transaction service, for tools and tests. */
    public TransactionService transactions() {
        return transactions;
    }

    /** The transactional producers' undecided messages, for tools and tests. */
    public ProducerTransactions producerTransactions() {
        return producerTransactions;
    }

    public boolean isRunning() {
        return running;
    }

    /** Number of open connections (TCP and in-VM). */
    public int connectionCount() {
        return services.connections().size();
    }

    /**
     * Opens an in-VM connection: frames the broker sends go to {@code toClient}; the
     * returned sink takes the client's frames. Same request handling as over TCP.
     */
    public FrameSink connectInVm(FrameSink toClient, String description) {
        if (!running) {
            throw new IllegalStateException("the broker is stopped");
        }
        InVmOutput output = new InVmOutput(toClient, workers, description);
        Connection connection = Connection.open(output, services);
        output.attach(connection);
        return new FrameSink() {
            @Override
            public void accept(io.keelmq.protocol.frame.Frame frame) {
                connection.received(frame);
            }

            @Override
            public void closed() {
                connection.transportClosed();
            }
        };
    }

    /**
     * Clean shutdown: stop accepting, close every connection (their messages in flight are
     * released), finish the sends awaiting their flush, write exact delivery marks and
     * positions, and close the store (flush, checkpoint, clean-shutdown marker). Idempotent.
     */
    @Override
    public synchronized void close() {
        if (!running) {
            return;
        }
        running = false;
        LOG.info("shutting down");
        if (server != null) {
            server.stopAccepting();
        }
        for (Connection connection : services.connections().all()) {
            connection.close();
        }
        // Each wait takes at most what is left of shutdownTimeoutMillis, keeping time for the store's clean close.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.get(ConfigKeys.SHUTDOWN_TIMEOUT_MILLIS));
        long connectionsGone = Math.min(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        while (services.connections().size() > 0 && System.nanoTime() < connectionsGone) {
            sleep(10);
        }
        redelivery.close(); // failed messages of the closed connections are moved before the store closes
        try {
            sends.stop(Math.min(config.get(ConfigKeys.SYNC_FLUSH_TIMEOUT) + 1_000, leftMillis(deadline) / 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (agent != null) {
            agent.close();
        }
        if (ha != null) {
            ha.close();     // after the sends: a SYNC_MASTER's waiting sends were answered by now
        }
        try {
            delayTimer.close();
        } catch (IOException e) {
            LOG.error("delay timer close failed; its next start rebuilds it", e);
        }
        timer.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(Math.min(5_000, leftMillis(deadline) / 2), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (server != null) {
            server.close();
        }
        try {
            subscriptions.persistMarks();
            store.positions().persist();
        } catch (IOException e) {
            LOG.error("cannot write subscription state at shutdown", e);
        }
        try {
            store.close();
        } catch (IOException e) {
            LOG.error("store close failed", e);
        }
        if (controller != null) {
            try {
                controller.close();
            } catch (IOException e) {
                LOG.warn("embedded controller close: {}", e.toString());
            }
        }
        LOG.info("stopped");
    }

    private static long leftMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
