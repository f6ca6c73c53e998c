package io.keelmq.server.ha.controller;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One controller peer: a Ratis server holding the {@link ControllerStateMachine}, and, while it is the leader, the
 * scan that elects a new master for each group whose master fell silent (every {@code scanNotActiveBrokerInterval}).
 * Every peer scans; only the one that leads now (and is ready: everything committed before its term is applied)
 * decides, from its applied state and its own heartbeat record, and proposes ELECT with the epoch it read, so an
 * election decided on a state that another election overtook is refused by the state machine. A scan that runs far
 * later than due tells the heartbeat record that this process stalled ({@link Liveness#excuse}).
 */
public final class ControllerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

    /**
     * How the peer bounds its Raft log: a snapshot every {@code snapshotThreshold} applied entries
     * ({@code controllerSnapshotThreshold}), after which every closed log segment it covers is deleted; a segment is
     * closed at {@code segmentSizeBytes} ({@code controllerLogSegmentSize}) or when the Raft term changes.
     */
    public record LogSettings(long snapshotThreshold, int segmentSizeBytes) {
        public static final LogSettings DEFAULT = new LogSettings(1_000, 64 * 1024);

        public LogSettings {
            if (snapshotThreshold <= 0 || segmentSizeBytes < 1_024) {
                throw new IllegalArgumentException("snapshot threshold must be positive and a log segment at least "
                        + "1024 bytes: " + snapshotThreshold + ", " + segmentSizeBytes);
            }
        }

        void applyTo(RaftProperties properties) {
            RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
            RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, snapshotThreshold);
            // The newest two snapshots stay (the older one while the newer is being sent to a follower).
            RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
            // Purge up to the snapshot even when a peer is down or behind: it is sent the snapshot instead of the
            // log (otherwise one dead peer keeps the whole log forever). Each snapshot purges (gap = threshold).
            RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
            RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(snapshotThreshold, Integer.MAX_VALUE));
            // Only closed segments are deleted; the controller's entries are ~100-200 bytes, so Ratis' 32 MB
            // segment would hold the whole log of a long life and nothing would ever go.
            RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(segmentSizeBytes));
        }
    }

    private final RaftServer server;
    private final RaftGroup group;
    private final ControllerStateMachine stateMachine = new ControllerStateMachine();
    private final ControllerClient self;
    private final Elector elector;
    private final String selfId;
    private final String address;
    private final Path storage;
    /** A scan later than due by more than this is taken for a stall of this process (see {@link Liveness}). */
    private static final long STALL_EXCUSED_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private final long scanNanos;
    /** When the last scan ended (the scan is scheduled with a fixed delay after it). */
    private volatile long lastScanNanos = System.nanoTime();
    /** Replaces channels to silent peers (gRPC's reconnect backoff); null until the Raft server has started. */
    private volatile PeerChannelWatch channels;
    private final java.util.Map<String, Long> lastNoCandidateWarning = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService scan = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "keel-controller-scan");
        thread.setDaemon(true);
        return thread;
    });

    private ControllerServer(String clusterName, List<String> addresses, String selfId, Path storage,
                             boolean uncleanAllowed, long scanMillis, LogSettings logSettings) throws IOException {
        int index = ControllerPeers.indexOf(selfId, addresses);
        this.selfId = selfId;
        this.address = addresses.get(index);
        this.storage = storage;
        this.group = ControllerPeers.group(clusterName, addresses);
        RaftProperties properties = ControllerPeers.properties();
        Files.createDirectories(storage);
        RaftServerConfigKeys.setStorageDir(properties, List.of(storage.toFile()));
        int colon = address.lastIndexOf(':');
        GrpcConfigKeys.Server.setHost(properties, address.substring(0, colon));
        GrpcConfigKeys.Server.setPort(properties, Integer.parseInt(address.substring(colon + 1)));
        // Reads that decide (who is master, is the master alive) see every committed command: read index.
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        // Election timeouts of 1-2 s: a dead leader is replaced within a few seconds, inside a broker's lease.
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties, TimeDuration.valueOf(1_000, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties, TimeDuration.valueOf(2_000, TimeUnit.MILLISECONDS));
        // A leader retries a follower that failed every second, not Ratis' 5 s after 30 errors: a peer back after a
        // restart (or started after the others) should have the log within seconds; see PeerChannelWatch.
        RaftServerConfigKeys.Log.Appender.setRetryPolicy(properties, "1ms,10, 1s,100000000");
        logSettings.applyTo(properties);
        RaftPeerId peerId = ControllerPeers.peerId(index);
        this.server = RaftServer.newBuilder()
                .setServerId(peerId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        this.scanNanos = TimeUnit.MILLISECONDS.toNanos(scanMillis);
        // An election proposed by this leader: bounded by a scan's worth of patience, then the next scan decides anew.
        this.self = new ControllerClient(clusterName, addresses, Math.max(3_000, scanMillis));
        this.elector = new Elector(stateMachine.liveness(), uncleanAllowed);
    }

    /**
     * Starts peer {@code selfId} ({@code n<i>}) of the controller whose peers are {@code addresses}; its Raft log is
     * kept in {@code storage}.
     */
    public static ControllerServer start(String clusterName, List<String> addresses, String selfId, Path storage,
                                         boolean uncleanAllowed, long scanMillis) throws IOException {
        return start(clusterName, addresses, selfId, storage, uncleanAllowed, scanMillis, LogSettings.DEFAULT);
    }

    /** As above, with the log bounded by {@code logSettings} (snapshot threshold, segment size). */
    public static ControllerServer start(String clusterName, List<String> addresses, String selfId, Path storage,
                                         boolean uncleanAllowed, long scanMillis, LogSettings logSettings)
            throws IOException {
        ControllerServer controller = new ControllerServer(clusterName, addresses, selfId, storage, uncleanAllowed,
                scanMillis, logSettings);
        try {
            controller.server.start();
        } catch (IOException | RuntimeException e) {
            controller.close();     // its ports and threads: a peer that cannot start (a damaged snapshot) holds none
            throw e;
        }
        controller.channels = PeerChannelWatch.start(controller.server, controller.group.getGroupId(), selfId);
        controller.lastScanNanos = System.nanoTime();
        controller.scan.scheduleWithFixedDelay(controller::scanOnce, scanMillis, scanMillis, TimeUnit.MILLISECONDS);
        LOG.info("controller peer {} at {} started (group {})", selfId, controller.address, controller.group);
        return controller;
    }

    public String selfId() {
        return selfId;
    }

    public String address() {
        return address;
    }

    /** Whether this peer leads the controller now. */
    public boolean isLeader() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether this peer has joined the controller: it has heard a leader and applied the log's first entry. A peer
     * whose log is still empty cannot help elect a leader (Ratis counts no vote from an empty log once anything was
     * committed), so a broker registers only once its embedded peer has joined: "registered" then implies that losing
     * any one other peer leaves two that can elect.
     */
    public boolean hasJoined() {
        try {
            org.apache.ratis.server.DivisionInfo info = server.getDivision(group.getGroupId()).getInfo();
            return info.getLeaderId() != null && info.getLastAppliedIndex() >= 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Where this peer keeps its Raft log and snapshots. */
    Path storage() {
        return storage;
    }

    /** This peer's state machine (its applied state; tests compare peers' states). */
    ControllerStateMachine stateMachine() {
        return stateMachine;
    }

    /** The first index still in this peer's Raft log: above 0 once a snapshot let the log's head be purged. */
    long raftLogStartIndex() throws IOException {
        return server.getDivision(group.getGroupId()).getRaftLog().getStartIndex();
    }

    private void scanOnce() {
        long late = System.nanoTime() - lastScanNanos - scanNanos;
        if (late > STALL_EXCUSED_NANOS) {
            // This process did not run (or ran too little to scan) for that long: heartbeats may be waiting unread.
            stateMachine.liveness().excuse(late);
            long lateMillis = TimeUnit.NANOSECONDS.toMillis(late);
            if (lateMillis >= 1_000) {
                LOG.info("controller peer {}: scan ran {} ms late; that time counts as no broker's silence", selfId,
                        lateMillis);
            }
        }
        try {
            RaftServer.Division division = server.getDivision(group.getGroupId());
            if (!division.getInfo().isLeaderReady()) {
                return;
            }
            // The leader's applied state: every ELECT carries the epoch read here, so a decision on a state that
            // moved on meanwhile (or by a peer no longer leader) is refused by the state machine.
            for (GroupView view : stateMachine.state().groups()) {
                Optional<Elector.Choice> choice = elector.choose(view);
                if (choice.isEmpty()) {
                    if (view.hasMaster() && !elector.masterAlive(view)) {
                        warnNoCandidate(view);
                    }
                    continue;
                }
                ControllerClient.Reply reply = self.elect(view.group(), choice.get().candidate(), view.masterEpoch(),
                        choice.get().unclean());
                if (reply.ok()) {
                    LOG.warn("group {}: master '{}' silent; elected {} master of epoch {}{}", view.group(),
                            view.master(), choice.get().candidate(), reply.group().masterEpoch(),
                            choice.get().unclean() ? " (UNCLEAN: outside the in-sync set " + view.inSync() + ")" : "");
                } else {
                    LOG.info("group {}: election of {} refused: {}", view.group(), choice.get().candidate(),
                            reply.refusal());
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("controller peer {}: scan: {}", selfId, e.toString());
        } catch (Error e) {
            // A scheduled task that throws is never run again: a controller that no longer scans elects no one.
            LOG.error("controller peer {}: scan failed; it goes on at the next interval", selfId, e);
        } finally {
            lastScanNanos = System.nanoTime();      // the next scan is due scanNotActiveBrokerInterval after this one
        }
    }

    /** The master is silent and no member can replace it: say so (once per heartbeat timeout), with who was heard. */
    private void warnNoCandidate(GroupView view) {
        long now = System.nanoTime();
        Long last = lastNoCandidateWarning.get(view.group());
        GroupView.Member master = view.masterMember();
        if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(master.heartbeatTimeoutMillis())) {
            return;
        }
        lastNoCandidateWarning.put(view.group(), now);
        StringBuilder silences = new StringBuilder();
        for (String id : view.members().keySet()) {
            silences.append(' ').append(id).append('=').append(stateMachine.liveness().silenceMillis(view.group(), id))
                    .append("ms");
        }
        LOG.warn("group {}: master '{}' silent, but no member of the in-sync set {} was heard within its timeout; "
                + "silence here (-1: never heard by this leader):{}", view.group(), view.master(), view.inSync(),
                silences);
    }

    @Override
    public void close() throws IOException {
        scan.shutdownNow();
        if (channels != null) {
            channels.close();
        }
        try {
            self.close();
        } finally {
            server.close();     // even if the client's close failed: a Raft peer left running goes on voting
        }
    }
}
