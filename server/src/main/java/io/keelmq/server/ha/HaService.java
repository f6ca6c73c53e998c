package io.keelmq.server.ha;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.BrokerRole;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.MessageStore;
import io.keelmq.store.replica.EpochFile;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Replication with fixed roles (brokerRole): a master's HA listener and its {@link ReplicaSet}, or a slave's link to
 * its master. The send path asks it three things: whether a send may be stored at all (a slave takes none;
 * {@code minInSyncReplicas}), and, on a SYNC_MASTER, the replication status of a forced send.
 */
public final class HaService implements AutoCloseable {
    private final BrokerConfig config;
    private final BrokerRole role;
    private final int minInSyncReplicas;
    private final ReplicaSet replicas;
    private final HaMaster master;
    private final HaSlave slave;
    private InetSocketAddress haAddress;
    private EpochFile.Entry epochStarted;

    private HaService(BrokerConfig config, MessageStore store, ReplicatedState state) {
        this.config = config;
        this.role = config.brokerRole();
        this.minInSyncReplicas = config.get(ConfigKeys.MIN_IN_SYNC_REPLICAS);
        if (role == BrokerRole.SLAVE) {
            this.replicas = null;
            this.master = null;
            this.slave = new HaSlave(store, config.haMasterAddress(), config.get(ConfigKeys.HA_SEND_HEARTBEAT_INTERVAL),
                    state);
        } else {
            this.replicas = new ReplicaSet(store, config.get(ConfigKeys.HA_MAX_GAP_NOT_IN_SYNC),
                    config.get(ConfigKeys.HA_HOUSEKEEPING_INTERVAL), config.get(ConfigKeys.SYNC_FLUSH_TIMEOUT));
            this.master = new HaMaster(store, replicas, state);
            this.slave = null;
        }
    }

    /**
     * The HA service this configuration asks for, started, or null: a SYNC_MASTER and a SLAVE always have one, an
     * ASYNC_MASTER only when {@code haListenPort} is set (a standalone broker opens no second port and keeps no
     * epochs). A master starts a new epoch first.
     *
     * @param state the broker's state outside the commit log, which a master sends its slaves and a slave takes
     *              from its master; null: the commit log only
     */
    public static HaService start(BrokerConfig config, MessageStore store, ReplicatedState state)
            throws InterruptedException, IOException {
        BrokerRole role = config.brokerRole();
        if (role == BrokerRole.ASYNC_MASTER && !config.isSet(ConfigKeys.HA_LISTEN_PORT)) {
            return null;
        }
        HaService service = new HaService(config, store, state);
        if (service.slave != null) {
            service.slave.start();
        } else {
            // Each start as a master is a new epoch, durable before any send (the client listener opens later): a
            // slave that copied a previous mastership further than this log reaches is found out by it.
            service.epochStarted = store.epochs().startEpoch(store.commitLogMaxOffset());
            service.haAddress = service.master.start(config.listenAddress(), config.haListenPort(),
                    config.get(ConfigKeys.HA_HOUSEKEEPING_INTERVAL), config.get(ConfigKeys.HA_STATE_SYNC_INTERVAL));
        }
        return service;
    }

    public BrokerRole role() {
        return role;
    }

    /** The epoch this master started, null on a slave. */
    public EpochFile.Entry epoch() {
        return epochStarted;
    }

    /** Where a master's slaves connect; null on a slave. */
    public InetSocketAddress haAddress() {
        return haAddress;
    }

    /** A master tells its slaves where it takes clients (they name it when they refuse a send). */
    public void clientAddress(InetSocketAddress address) {
        if (master != null && address != null) {
            master.clientAddress(address.getHostString() + ":" + address.getPort());
        }
    }

    /**
     * Before anything is stored: a slave refuses, naming its master; a master whose in-sync set (itself included)
     * is smaller than {@code minInSyncReplicas} refuses with IN_SYNC_REPLICAS_NOT_ENOUGH.
     *
     * @throws RequestException NOT_MASTER or IN_SYNC_REPLICAS_NOT_ENOUGH
     */
    public void checkWritable() {
        if (slave != null) {
            throw notMaster();
        }
        if (minInSyncReplicas > 1) {
            int inSync = replicas.inSyncCount() + 1;
            if (inSync < minInSyncReplicas) {
                throw new RequestException(ErrorCode.IN_SYNC_REPLICAS_NOT_ENOUGH, "nothing stored: " + inSync
                        + " broker(s) of the group in sync (master included), minInSyncReplicas is "
                        + minInSyncReplicas);
            }
        }
    }

    /** Whether this broker is a slave (it takes no client requests but the connection's own). */
    public boolean isSlave() {
        return slave != null;
    }

    /** The refusal a slave answers every write with, naming its master. */
    public RequestException notMaster() {
        String clients = slave.masterClientAddress();
        String refusal = slave.lastRefusal();
        return new RequestException(ErrorCode.NOT_MASTER, "this broker is a SLAVE (brokerRole) of the master at "
                + (clients != null ? clients : "HA address " + config.haMasterAddress())
                + "; send to the master" + (refusal != null ? " (the master refuses this slave: " + refusal + ")" : ""));
    }

    /**
     * SYNC_MASTER: the status of a send whose records end at {@code endOffset} and are forced locally: SEND_OK once
     * every in-sync slave has them, FLUSH_SLAVE_TIMEOUT after {@code syncFlushTimeout}, SLAVE_NOT_AVAILABLE when
     * no slave is in sync. Null on any other role (the local status stands).
     */
    public CompletableFuture<String> awaitReplicated(long endOffset) {
        return role == BrokerRole.SYNC_MASTER ? replicas.awaitReplicated(endOffset) : null;
    }

    /** Whether consumers see less than the master has (some slave is in sync and not caught up with it all). */
    public boolean limitsVisibility() {
        return replicas != null && replicas.confirmedOffset() != Long.MAX_VALUE;
    }

    /** The lowest acknowledgement of the in-sync slaves, {@code Long.MAX_VALUE} when none (or on a slave). */
    public long confirmedOffset() {
        return replicas == null ? Long.MAX_VALUE : replicas.confirmedOffset();
    }

    /** A slave: STATE frames of its master written to its files so far; 0 on a master. */
    public long statesApplied() {
        return slave == null ? 0 : slave.statesApplied();
    }

    /** The slaves' states, for logs and tests. */
    public List<String> describeSlaves() {
        return replicas == null ? List.of() : replicas.describe();
    }

    @Override
    public void close() {
        if (master != null) {
            master.close();
        }
        if (slave != null) {
            slave.close();
        }
    }
}
