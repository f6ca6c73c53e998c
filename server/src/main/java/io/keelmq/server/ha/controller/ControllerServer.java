package io.keelmq.server.ha.controller;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
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
 * The scan reads each group linearizably and proposes ELECT with the epoch it read, so an election decided on a
 * read that another election overtook is refused by the state machine.
 */
public final class ControllerServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerServer.class);

    private final RaftServer server;
    private final RaftGroup group;
    private final ControllerStateMachine stateMachine = new ControllerStateMachine();
    private final ControllerClient self;
    private final Elector elector;
    private final String selfId;
    private final String address;
    private final ScheduledExecutorService scan = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "keel-controller-scan");
        thread.setDaemon(true);
        return thread;
    });

    private ControllerServer(String clusterName, List<String> addresses, String selfId, Path storage,
                             boolean uncleanAllowed) throws IOException {
        int index = ControllerPeers.indexOf(selfId, addresses);
        this.selfId = selfId;
        this.address = addresses.get(index);
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
        RaftPeerId peerId = ControllerPeers.peerId(index);
        this.server = RaftServer.newBuilder()
                .setServerId(peerId)
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setOption(RaftStorage.StartupOption.RECOVER)
                .build();
        this.self = new ControllerClient(clusterName, addresses, 3_000);
        this.elector = new Elector(stateMachine.liveness(), uncleanAllowed);
    }

    /**
     * Starts peer {@code selfId} ({@code n<i>}) of the controller whose peers are {@code addresses}; its Raft log is
     * kept in {@code storage}.
     */
    public static ControllerServer start(String clusterName, List<String> addresses, String selfId, Path storage,
                                         boolean uncleanAllowed, long scanMillis) throws IOException {
        ControllerServer controller = new ControllerServer(clusterName, addresses, selfId, storage, uncleanAllowed);
        controller.server.start();
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

    private void scanOnce() {
        try {
            RaftServer.Division division = server.getDivision(group.getGroupId());
            if (!division.getInfo().isLeaderReady()) {
                return;
            }
            for (GroupView view : self.status(null).groups()) {
                Optional<Elector.Choice> choice = elector.choose(view);
                if (choice.isEmpty()) {
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
            LOG.debug("controller scan: {}", e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        scan.shutdownNow();
        self.close();
        server.close();
    }
}
