package io.keelmq.server.ha.controller;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.ha.HaService;
import io.keelmq.server.ha.PromotedReplica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A broker's side of controller mode: registers with the controller, then heartbeats every
 * {@code brokerHeartbeatInterval} with its (epoch, log end), and does what each answer says:
 * <ul>
 * <li>named master of a new epoch: {@link HaService#promote} (the epoch is durable first), then the broker's master
 * duties ({@code onPromoted});</li>
 * <li>still master: the lease is renewed to half of {@code controllerHeartBeatTimeoutMills} after the heartbeat was
 * <em>sent</em>, so it always ends before the controller (which counts the whole timeout from its arrival) can elect
 * another master; the in-sync set is kept in step with the controller's (ALTER);</li>
 * <li>another broker is master: follow it (a master that was replaced is fenced instead).</li>
 * </ul>
 * A heartbeat that gets no answer changes nothing: the lease simply runs out.
 */
public final class ControllerAgent implements AutoCloseable {
    /** What the broker starts when it becomes master (recoveries that write to the log, timers). */
    public interface MasterDuties {
        void start() throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ControllerAgent.class);

    private final HaService ha;
    private final io.keelmq.store.MessageStore store;
    private final ControllerClient client;
    private final String group;
    private final String selfId;
    private final String clientAddress;
    private final String haAddress;
    private final long timeoutMillis;
    private final MasterDuties onPromoted;
    private final Runnable onReplaced;
    /** Whether this process's embedded controller peer has joined (always true without one): registration waits. */
    private final java.util.function.BooleanSupplier embeddedPeerJoined;
    private long lastJoinWaitLog = System.nanoTime();
    private boolean replaced;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "keel-controller-agent");
        thread.setDaemon(true);
        return thread;
    });
    private boolean registered;
    private long lastAnswerNanos = System.nanoTime();
    private boolean silenceWarned;
    private boolean promoted;

    private ControllerAgent(BrokerConfig config, HaService ha, io.keelmq.store.MessageStore store,
                            String clientAddress, MasterDuties onPromoted, Runnable onReplaced,
                            java.util.function.BooleanSupplier embeddedPeerJoined) {
        this.embeddedPeerJoined = embeddedPeerJoined;
        this.ha = ha;
        this.store = store;
        this.group = config.get(ConfigKeys.BROKER_NAME);
        this.selfId = ha.selfId();
        this.clientAddress = clientAddress;
        String advertised = config.get(ConfigKeys.HA_ADVERTISED_ADDRESS);
        this.haAddress = advertised != null ? advertised
                : ha.haAddress().getHostString() + ":" + ha.haAddress().getPort();
        this.timeoutMillis = config.get(ConfigKeys.CONTROLLER_HEART_BEAT_TIMEOUT_MILLS);
        this.onPromoted = onPromoted;
        this.onReplaced = onReplaced;
        // A heartbeat answered later than half the timeout after it was sent renews no lease: no call waits longer
        // (the next beat starts afresh, from the controller's leader of then).
        this.client = new ControllerClient(config.get(ConfigKeys.BROKER_CLUSTER_NAME),
                config.get(ConfigKeys.CONTROLLER_ADDR), Math.max(500, timeoutMillis / 2));
    }

    /**
     * Starts heartbeating; {@code onPromoted} runs (once, on the agent's thread) when this broker becomes master,
     * {@code onReplaced} (once) when it was master and the controller names another. With an embedded controller peer
     * ({@code embeddedPeer}, else null) the broker registers only once that peer has joined
     * ({@link ControllerServer#hasJoined}).
     */
    public static ControllerAgent start(BrokerConfig config, HaService ha, io.keelmq.store.MessageStore store,
                                        String clientAddress, MasterDuties onPromoted, Runnable onReplaced,
                                        ControllerServer embeddedPeer) {
        ControllerAgent agent = new ControllerAgent(config, ha, store, clientAddress, onPromoted, onReplaced,
                embeddedPeer == null ? () -> true : embeddedPeer::hasJoined);
        long every = config.get(ConfigKeys.BROKER_HEARTBEAT_INTERVAL);
        agent.loop.scheduleWithFixedDelay(agent::beat, 0, every, TimeUnit.MILLISECONDS);
        return agent;
    }

    private void beat() {
        try {
            if (!registered) {
                if (!embeddedPeerJoined.getAsBoolean()) {
                    if (System.nanoTime() - lastJoinWaitLog > TimeUnit.SECONDS.toNanos(5)) {
                        lastJoinWaitLog = System.nanoTime();
                        LOG.info("controller: waiting for this process's controller peer to join before {} registers",
                                selfId);
                    }
                    return;
                }
                ControllerClient.Reply reply = client.register(group, selfId, clientAddress, haAddress, timeoutMillis);
                registered = reply.ok();
                if (!registered) {
                    LOG.error("controller refused to register {} in group {}: {}", selfId, group, reply.refusal());
                    return;
                }
                LOG.info("registered with the controller: {} in group {}", selfId, group);
            }
            long sentAt = System.nanoTime();
            ControllerClient.Reply reply = client.heartbeat(group, selfId, store.epochs().lastEpoch(),
                    store.commitLogMaxOffset());
            if (!reply.ok()) {
                registered = false;         // the controller lost us (a new cluster): register again
                LOG.warn("controller: heartbeat refused: {}", reply.refusal());
                return;
            }
            lastAnswerNanos = System.nanoTime();
            silenceWarned = false;
            act(reply.group(), sentAt + timeoutMillis * 1_000_000L / 2);
        } catch (IOException e) {
            long silentMillis = (System.nanoTime() - lastAnswerNanos) / 1_000_000L;
            if (silentMillis >= timeoutMillis / 2 && !silenceWarned) {
                silenceWarned = true;       // once per spell of silence: the next answer re-arms it
                LOG.warn("controller: no heartbeat answered for {} ms (a master's lease has lapsed): {}",
                        silentMillis, e.toString());
            } else {
                LOG.debug("controller not reachable: {}", e.toString());
            }
        } catch (RuntimeException | Error e) {
            // A scheduled task that throws is never run again: log it and heartbeat on (the lease simply lapses).
            LOG.error("controller agent", e);
        }
    }

    private void act(GroupView view, long leaseDeadline) throws IOException {
        ha.groupMembers(clientAddresses(view));
        if (view.master().equals(selfId)) {
            HaService.Mode mode = ha.mode();
            if (mode == HaService.Mode.SLAVE && PromotedReplica.isReplica(store)) {
                // Elected while following: the copy's state outside the commit log (positions, durable subscriptions,
                // delivery marks, the delay timer) is settled and loaded only by a start (PromotedReplica), so the
                // broker restarts in place, on the same ports, and takes the mastership as it comes back (STANDBY).
                if (!replaced) {
                    replaced = true;
                    LOG.warn("controller: {} elected master of epoch {} while following; restarting in place to load "
                            + "its replicated state", selfId, view.masterEpoch());
                    onReplaced.run();
                }
                return;
            }
            if (mode == HaService.Mode.STANDBY || mode == HaService.Mode.SLAVE) {
                try {
                    ha.promote(view.masterEpoch(), leaseDeadline);
                } catch (IOException e) {
                    LOG.error("elected master of epoch {} but cannot write the epoch file; not taking sends",
                            view.masterEpoch(), e);
                    return;
                }
                if (!promoted) {
                    promoted = true;
                    try {
                        onPromoted.start();
                    } catch (IOException | RuntimeException e) {
                        LOG.error("master duties failed to start: {} stops being master", selfId, e);
                        ha.fence("its master duties failed to start: " + e);
                    }
                }
            } else if (mode == HaService.Mode.MASTER && ha.epoch() != null
                    && ha.epoch().epoch() == view.masterEpoch()) {
                ha.renewLease(leaseDeadline);
                keepInSync(view);
            }
            return;
        }
        if (ha.mode() == HaService.Mode.MASTER) {
            ha.fence("the controller elected " + (view.hasMaster() ? view.master() : "no master") + " of epoch "
                    + view.masterEpoch());
        }
        GroupView.Member master = view.masterMember();
        if (master != null && !ha.follow(master.id(), master.haAddress(), master.clientAddress()) && !replaced) {
            replaced = true;
            LOG.warn("controller: {} was master and is fenced; it rejoins group {} as a slave of {}", selfId, group,
                    master.id());
            onReplaced.run();
        }
    }

    /** The members' client addresses, the master's first; members registered without a client listener left out. */
    static java.util.List<String> clientAddresses(GroupView view) {
        java.util.List<String> addresses = new java.util.ArrayList<>();
        GroupView.Member master = view.masterMember();
        if (master != null && !master.clientAddress().isEmpty()) {
            addresses.add(master.clientAddress());
        }
        for (GroupView.Member member : view.members().values()) {
            if (member != master && !member.clientAddress().isEmpty()) {
                addresses.add(member.clientAddress());
            }
        }
        return addresses;
    }

    /**
     * Master: the controller's in-sync set should be this master and its slaves in sync here. A slave is added only
     * once it has everything answered SEND_OK (so it may be elected without losing any); a slave no longer in sync
     * here is removed. Until the controller agrees, SEND_OK waits for every slave it counts in sync.
     */
    private void keepInSync(GroupView view) throws IOException {
        Map<String, Long> acks = ha.inSyncAcks();
        long sendOkEnd = ha.sendOkEnd();
        Set<String> wanted = new TreeSet<>();
        wanted.add(selfId);
        for (Map.Entry<String, Long> slave : acks.entrySet()) {
            if (view.members().containsKey(slave.getKey())
                    && (view.inSync().contains(slave.getKey()) || slave.getValue() >= sendOkEnd)) {
                wanted.add(slave.getKey());
            }
        }
        GroupView current = view;
        if (!wanted.equals(view.inSync())) {
            ControllerClient.Reply reply = client.alterInSync(group, selfId, view.masterEpoch(), view.inSyncEpoch(),
                    java.util.List.copyOf(wanted));
            if (!reply.ok()) {
                LOG.info("controller: in-sync set change to {} refused: {}", wanted, reply.refusal());
                return;
            }
            current = reply.group();
            LOG.info("controller: in-sync set of group {} is now {} (epoch {})", group, current.inSync(),
                    current.inSyncEpoch());
        }
        Set<String> slaves = new TreeSet<>(current.inSync());
        slaves.remove(selfId);
        ha.require(slaves);
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
            client.close();
        } catch (IOException e) {
            LOG.debug("controller client close: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
