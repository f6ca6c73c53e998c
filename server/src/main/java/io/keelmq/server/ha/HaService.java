package io.keelmq.server.ha;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.BrokerRole;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.errors.RequestException;
import io.keelmq.store.MessageStore;
import io.keelmq.store.replica.EpochFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Replication: a master's HA listener and its {@link ReplicaSet}, or a slave's link to its master. The send path
 * asks it three things: whether a send may be stored at all (a slave takes none; {@code minInSyncReplicas}), and,
 * on a SYNC_MASTER, the replication status of a forced send.
 *
 * <p>With fixed roles ({@code brokerRole}) the role never changes. In controller mode ({@code enableControllerMode})
 * the broker starts as STANDBY (it takes no sends), and the controller's answers move it ({@code ControllerAgent}):
 * to SLAVE of the elected master, or to MASTER of a new epoch, written durably before any send is taken. A master
 * takes sends only while it holds the controller's lease (renewed by each heartbeat the controller answered); a
 * master that lost its lease or learnt of another master's election is FENCED and takes none again.
 */
public final class HaService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HaService.class);

    /** Where a broker stands in its group. */
    public enum Mode { STANDBY, SLAVE, MASTER, FENCED }

    private final BrokerConfig config;
    private final MessageStore store;
    /** The broker's state outside the commit log, sent to slaves as a master, taken from the master as a slave. */
    private final ReplicatedState state;
    private final BrokerRole role;
    private final boolean controlled;
    private final int minInSyncReplicas;
    private final ReplicaSet replicas;
    private final HaMaster master;
    private volatile HaSlave slave;
    private volatile Mode mode;
    private volatile long leaseDeadlineNanos;
    /** The master as the controller last named it (controller mode): brokerId and client address. */
    private volatile String masterId = "";
    private volatile String masterClientAddress = "";
    private InetSocketAddress haAddress;
    /** Where this broker takes clients (host:port), once its listener is bound. */
    private volatile String ownClientAddress;
    /** Controller mode: the group's members' client addresses as the controller's last answer listed them. */
    private volatile List<String> membersFromController = List.of();
    private volatile EpochFile.Entry epochStarted;

    private HaService(BrokerConfig config, MessageStore store, ReplicatedState state) {
        this.config = config;
        this.store = store;
        this.state = state;
        this.role = config.brokerRole();
        this.controlled = config.get(ConfigKeys.ENABLE_CONTROLLER_MODE);
        this.minInSyncReplicas = config.get(ConfigKeys.MIN_IN_SYNC_REPLICAS);
        if (role == BrokerRole.SLAVE && !controlled) {
            this.replicas = null;
            this.master = null;
            this.slave = newSlave(config.haMasterAddress());
            this.mode = Mode.SLAVE;
        } else {
            this.replicas = new ReplicaSet(store, config.get(ConfigKeys.HA_MAX_GAP_NOT_IN_SYNC),
                    config.get(ConfigKeys.HA_HOUSEKEEPING_INTERVAL), config.get(ConfigKeys.SYNC_FLUSH_TIMEOUT));
            this.master = new HaMaster(store, replicas, state, () -> mode == Mode.MASTER);
            this.slave = null;
            this.mode = controlled ? Mode.STANDBY : Mode.MASTER;
        }
    }

    private HaSlave newSlave(String masterHaAddress) {
        return new HaSlave(store, masterHaAddress, config.get(ConfigKeys.HA_SEND_HEARTBEAT_INTERVAL), selfId(),
                ownClientAddress, state);
    }

    /**
     * The HA service this configuration asks for, started, or null: a SYNC_MASTER, a SLAVE and every broker in
     * controller mode have one, an ASYNC_MASTER only when {@code haListenPort} is set (a standalone broker opens no
     * second port and keeps no epochs). A fixed-role master starts a new epoch first; a broker in controller mode
     * opens its HA listener (refusing slaves until elected) and waits for the controller. A fixed-role slave connects
     * to its master once its client listener is bound ({@link #clientAddress}), so that its HELLO says where.
     *
     * @param state the broker's state outside the commit log, which a master sends its slaves and a slave takes
     *              from its master; null: the commit log only
     */
    public static HaService start(BrokerConfig config, MessageStore store, ReplicatedState state)
            throws InterruptedException, IOException {
        BrokerRole role = config.brokerRole();
        boolean controlled = config.get(ConfigKeys.ENABLE_CONTROLLER_MODE);
        if (!controlled && role == BrokerRole.ASYNC_MASTER && !config.isSet(ConfigKeys.HA_LISTEN_PORT)) {
            return null;
        }
        HaService service = new HaService(config, store, state);
        if (service.slave == null) {
            if (!controlled) {
                // Each start as a master is a new epoch, durable before any send (the client listener opens later):
                // a slave that copied a previous mastership further than this log reaches is found out by it.
                service.epochStarted = store.epochs().startEpoch(store.commitLogMaxOffset());
            }
            service.haAddress = service.master.start(config.listenAddress(), config.haListenPort(),
                    config.get(ConfigKeys.HA_HOUSEKEEPING_INTERVAL), config.get(ConfigKeys.HA_STATE_SYNC_INTERVAL));
        }
        return service;
    }

    public BrokerRole role() {
        return role;
    }

    public Mode mode() {
        return mode;
    }

    /** Whether the controller decides this broker's role. */
    public boolean controlled() {
        return controlled;
    }

    /** This broker's id in its group: {@code brokerId}, else its client address. */
    public String selfId() {
        String id = config.get(ConfigKeys.BROKER_ID);
        return id.isEmpty() ? config.listenAddress() + ":" + config.listenPort() : id;
    }

    /** The epoch this broker started as master, null while it has not. */
    public EpochFile.Entry epoch() {
        return epochStarted;
    }

    /** Where a master's slaves connect; null on a fixed-role slave. */
    public InetSocketAddress haAddress() {
        return haAddress;
    }

    /**
     * The client listener is bound at {@code address} (null: the broker has none). A master tells its slaves where it
     * takes clients (they name it when they refuse a send); a fixed-role slave starts following its master and tells
     * it where it takes clients (the master lists it in its HANDSHAKE answers). Called once, after {@link #start}.
     */
    public void clientAddress(InetSocketAddress address) throws IOException {
        if (address != null) {
            ownClientAddress = address.getHostString() + ":" + address.getPort();
            if (master != null) {
                master.clientAddress(ownClientAddress);
            }
        }
        HaSlave fixedSlave = controlled ? null : slave;
        if (fixedSlave != null) {
            fixedSlave.ownClientAddress(ownClientAddress);
            fixedSlave.start();
        }
    }

    /**
     * The client addresses (host:port) of this broker's group as it knows them, master first, told to every client
     * in its HANDSHAKE answer so that a client whose URL names one broker can fail over to the others. Controller
     * mode: every member of the controller's last answer. Fixed roles: a slave lists its master (from its WELCOME),
     * then itself; a master lists itself, then its connected slaves as their HELLOs named their client listeners, so
     * that a client whose URL names only the master can reach a slave restarted as master after the master is lost.
     * A slave lists itself because a client's list of learned brokers is replaced by each answer: a client that
     * reaches the slave while the master is down must not forget the slave.
     */
    public List<String> groupClientAddresses() {
        if (controlled) {
            return membersFromController;
        }
        HaSlave following = slave;
        List<String> group = new java.util.ArrayList<>();
        if (following != null) {
            String master = following.masterClientAddress();
            if (master == null || master.isEmpty()) {
                return List.of();       // its group is not known before the master's WELCOME
            }
            group.add(master);
            if (ownClientAddress != null && !ownClientAddress.equals(master)) {
                group.add(ownClientAddress);
            }
            return group;
        }
        if (ownClientAddress != null) {
            group.add(ownClientAddress);
        }
        for (String slaveAddress : replicas.slaveClientAddresses()) {
            if (!group.contains(slaveAddress)) {
                group.add(slaveAddress);
            }
        }
        return group;
    }

    /** Controller mode: the group as the controller's last answer lists it ({@code clientAddresses}, master first). */
    public void groupMembers(List<String> clientAddresses) {
        membersFromController = List.copyOf(clientAddresses);
    }

    // ------------------------------------------------------------------ controller mode (ControllerAgent)

    /**
     * Follows the master the controller named, from its HA address (a new link if it is another one). False when
     * this broker was master: it takes no part until it is restarted (its log may hold a tail to cut).
     */
    public synchronized boolean follow(String id, String haAddress, String clientAddress) throws IOException {
        masterId = id;
        masterClientAddress = clientAddress;
        if (mode == Mode.MASTER || mode == Mode.FENCED) {
            return false;
        }
        HaSlave current = slave;
        if (current != null && current.masterAddress().equals(haAddress)) {
            return true;
        }
        if (current != null) {
            current.close();
        }
        LOG.info("controller: {} follows master {} (HA {}, clients {})", selfId(), id, haAddress, clientAddress);
        HaSlave next = newSlave(haAddress);
        slave = next;
        mode = Mode.SLAVE;
        next.start();
        return true;
    }

    /**
     * Elected master of {@code epoch}: stops following, writes the epoch durably at the log's end, then takes sends
     * until {@code leaseDeadlineNanos} (renewed by {@link #renewLease}).
     */
    public synchronized void promote(long epoch, long leaseDeadline) throws IOException {
        HaSlave current = slave;
        slave = null;
        if (current != null) {
            current.close();
        }
        epochStarted = store.epochs().startEpoch(epoch, store.commitLogMaxOffset());
        masterId = selfId();
        leaseDeadlineNanos = leaseDeadline;
        mode = Mode.MASTER;
        LOG.warn("controller: {} is MASTER of epoch {} from offset {}", selfId(), epoch, epochStarted.startOffset());
    }

    /** The controller answered a heartbeat sent at some instant: sends may be taken until {@code deadlineNanos}. */
    public void renewLease(long deadlineNanos) {
        leaseDeadlineNanos = deadlineNanos;
    }

    /** Another broker was elected: this one takes no more sends. */
    public synchronized void fence(String why) {
        if (mode == Mode.MASTER) {
            LOG.error("controller: {} stops being master: {}", selfId(), why);
            mode = Mode.FENCED;
        }
    }

    /** The in-sync slaves by brokerId with their acknowledged ends (controller mode master). */
    public Map<String, Long> inSyncAcks() {
        return replicas == null ? Map.of() : replicas.inSyncAcks();
    }

    /** The furthest end answered SEND_OK. */
    public long sendOkEnd() {
        return replicas == null ? 0 : replicas.sendOkEnd();
    }

    /** The controller's in-sync set, less this master: each must have a message before it is SEND_OK. */
    public void require(Set<String> slaveIds) {
        if (replicas != null) {
            replicas.require(slaveIds);
        }
    }

    // ------------------------------------------------------------------ the send path

    /**
     * Before anything is stored: a slave refuses, naming its master; so does a master without the controller's
     * lease; a master whose in-sync set (itself included) is smaller than {@code minInSyncReplicas} refuses with
     * IN_SYNC_REPLICAS_NOT_ENOUGH.
     *
     * @throws RequestException NOT_MASTER or IN_SYNC_REPLICAS_NOT_ENOUGH
     */
    public void checkWritable() {
        if (mode != Mode.MASTER) {
            throw notMaster();
        }
        if (controlled && System.nanoTime() - leaseDeadlineNanos >= 0) {
            throw new RequestException(ErrorCode.NOT_MASTER, "nothing stored: this broker's lease from the "
                    + "controller lapsed (no heartbeat answered within controllerHeartBeatTimeoutMills/2); another "
                    + "master may be elected");
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

    /** Whether this broker takes no client requests but the connection's own (a slave, or not master now). */
    public boolean isSlave() {
        return mode != Mode.MASTER;
    }

    /** The refusal a broker that is not master answers every write with, naming the master it knows. */
    public RequestException notMaster() {
        if (controlled) {
            String group = config.get(ConfigKeys.BROKER_NAME);
            String known = masterId.isEmpty() || masterId.equals(selfId()) ? null : masterId;
            return new RequestException(ErrorCode.NOT_MASTER, "this broker (" + selfId() + ", " + mode
                    + ") is not the master of group " + group + (known == null
                    ? "; no master is known yet: ask the controller (keel-admin ha status)"
                    : "; the controller elected " + known + ": send to the master at " + masterClientAddress));
        }
        HaSlave following = slave;
        String clients = following.masterClientAddress();
        String refusal = following.lastRefusal();
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
        return role == BrokerRole.SYNC_MASTER && replicas != null ? replicas.awaitReplicated(endOffset) : null;
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
        HaSlave following = slave;
        if (following != null) {
            following.close();
        }
    }
}
