package io.keelmq.server.ha.controller;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Raft snapshots of the controller, with three real Ratis peers in this JVM (gRPC on 127.0.0.1): past
 * {@code controllerSnapshotThreshold} commands every peer has a snapshot and its first log segments are deleted; peers
 * restarted hold the same state although the commands that made it are in no log any more; a peer that was down
 * while the others snapshotted and purged is sent the leader's snapshot, and once leader answers the same STATUS.
 */
class ControllerSnapshotRaftTest {
    /** A snapshot every 20 entries; 1 KiB segments hold about ten of the test's entries, so segments close often. */
    private static final ControllerServer.LogSettings SMALL_LOG = new ControllerServer.LogSettings(20, 1_024);
    /** No member heartbeats, so the scan never elects: every election here is the test's own command. */
    private static final long SCAN_MILLIS = 60_000;

    @TempDir
    Path dir;

    private List<String> peers;
    private final List<ControllerServer> servers = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (ControllerServer server : servers) {
            server.close();
        }
    }

    private ControllerServer start(int i) throws IOException {
        ControllerServer server = ControllerServer.start("c1", peers, "n" + i, dir.resolve("n" + i), false,
                SCAN_MILLIS, SMALL_LOG);
        servers.add(server);
        return server;
    }

    private void stop(ControllerServer server) throws IOException {
        servers.remove(server);
        server.close();
    }

    @Test
    void snapshotsPurgeTheLogAndRestartedPeersLoadThem() throws Exception {
        peers = ControllerRaftTest.freeAddresses(3);
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        List<GroupView> expected;
        try (ControllerClient client = new ControllerClient("c1", peers, 30_000)) {
            buildState(client, 0, 100);
            expected = client.status(null).groups();
        }
        assertEquals(3, expected.size());
        for (ControllerServer server : List.copyOf(servers)) {
            awaitTrue(() -> sameState(server, expected), "peer " + server.selfId() + " applies everything");
            awaitTrue(() -> hasSnapshot(server) && firstSegmentStart(server) > 0,
                    "peer " + server.selfId() + " has a snapshot and its first log segment is deleted");
            assertTrue(server.raftLogStartIndex() > 20, server.selfId() + " log starts at "
                    + server.raftLogStartIndex());
        }

        // Every peer stops; restarted, each holds the whole state, though the REGISTERs of the first groups are in
        // no peer's log any more: it came from the snapshot.
        for (ControllerServer server : List.copyOf(servers)) {
            stop(server);
        }
        assertADamagedSnapshotStopsThePeer(2);
        for (int i = 0; i < 3; i++) {
            ControllerServer restarted = start(i);
            assertTrue(firstSegmentStart(restarted) > 1, "the log still starts after the first commands");
        }
        for (ControllerServer server : servers) {
            awaitTrue(() -> sameState(server, expected), "restarted peer " + server.selfId() + " has the state");
        }
        try (ControllerClient client = new ControllerClient("c1", peers, 30_000)) {
            assertEquals(expected, client.status(null).groups());
            // And goes on from it: the epochs it holds are the ones a new command must name.
            assertTrue(client.elect("g0", "b", expected.get(0).masterEpoch(), false).ok());
        }
    }

    @Test
    void aPeerDownWhileTheOthersPurgedInstallsTheLeadersSnapshot() throws Exception {
        peers = ControllerRaftTest.freeAddresses(3);
        for (int i = 0; i < 3; i++) {
            start(i);
        }
        try (ControllerClient client = new ControllerClient("c1", peers, 30_000)) {
            buildState(client, 0, 10);
            ControllerServer down = servers.stream().filter(server -> !server.isLeader()).findFirst().orElseThrow();
            String downId = down.selfId();
            int downIndex = Integer.parseInt(downId.substring(1));
            awaitTrue(() -> down.stateMachine().getLastAppliedTermIndex().getIndex() >= 10, "the follower applied");
            long downLast = down.stateMachine().getLastAppliedTermIndex().getIndex();
            stop(down);

            // The two left (a quorum) go on well past several snapshots, and purge what the absent peer lacks.
            buildState(client, 10, 120);
            for (ControllerServer server : servers) {
                awaitTrue(() -> server.raftLogStartIndex() > downLast + 1, "peer " + server.selfId()
                        + " purged its log beyond what " + downId + " has (" + downLast + ")");
            }
            List<GroupView> expected = client.status(null).groups();

            ControllerServer back = start(downIndex);
            awaitTrue(() -> sameState(back, expected), downId + " catches up");
            assertTrue(hasSnapshot(back), downId + " holds the installed snapshot");
            // It answers STATUS as the leader did: make it the leader, then ask.
            try (RaftClient raw = RaftClient.newBuilder().setProperties(new RaftProperties())
                    .setRaftGroup(ControllerPeers.group("c1", peers)).build()) {
                awaitTrue(() -> transferTo(raw, downId) && back.isLeader(), downId + " becomes leader");
            }
            ControllerClient.Reply status = client.status(null);
            assertEquals(downId, status.leader());
            assertEquals(expected, status.groups());
        }
    }

    /** Peer {@code i}'s newest snapshot cut short: the peer does not start, and says which file; restored, it does. */
    private void assertADamagedSnapshotStopsThePeer(int i) throws Exception {
        Path newest;
        try (Stream<Path> files = Files.walk(dir.resolve("n" + i))) {
            newest = files.filter(file -> file.getFileName().toString().matches("snapshot\\.[0-9]+_[0-9]+"))
                    .max(java.util.Comparator.comparingLong(file -> Long.parseLong(
                            file.getFileName().toString().split("_")[1]))).orElseThrow();
        }
        byte[] whole = Files.readAllBytes(newest);
        Files.write(newest, java.util.Arrays.copyOf(whole, whole.length - 5));
        Throwable failure = null;
        try {
            start(i);
        } catch (Exception e) {
            failure = e;
        }
        assertTrue(failure != null, "a peer started from a damaged snapshot");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            messages.append(t).append('\n');
        }
        assertTrue(messages.toString().contains(newest.toAbsolutePath() + " is unreadable: its checksum does not match"),
                messages.toString());
        Files.write(newest, whole);
    }

    /**
     * {@code count} commands over groups {@code g0..g2}: every third group gets members a, b, c, a first master and
     * an in-sync set; the rest re-register members with changing addresses (each is a log entry that changes state).
     */
    static void buildState(ControllerClient client, int from, int count) throws IOException {
        for (int n = from; n < from + count; n++) {
            String group = "g" + (n % 3);
            int round = n / 3;
            ControllerClient.Reply reply;
            if (round == 0) {
                for (String id : List.of("a", "b", "c")) {
                    assertTrue(client.register(group, id, "127.0.0.1:1" + id.charAt(0), "127.0.0.1:2" + id.charAt(0),
                            4_000).ok());
                }
                reply = client.elect(group, "a", 0, false);
            } else if (round == 1) {
                reply = client.alterInSync(group, "a", 1, 1, List.of("a", "b"));
            } else {
                reply = client.register(group, "c", "127.0.0.1:" + (10_000 + n), "127.0.0.1:" + (20_000 + n), 4_000);
            }
            assertTrue(reply.ok(), reply.refusal());
        }
    }

    private static boolean sameState(ControllerServer server, List<GroupView> expected) {
        return List.copyOf(server.stateMachine().state().groups()).equals(expected);
    }

    static boolean transferTo(RaftClient raw, String peer) {
        try {
            RaftClientReply reply = raw.admin().transferLeadership(RaftPeerId.valueOf(peer), 10_000);
            return reply.isSuccess();
        } catch (IOException e) {
            return false;       // an election under way: tried again
        }
    }

    private static boolean hasSnapshot(ControllerServer server) throws IOException {
        return newestSnapshotIndex(server.storage()) >= 0;
    }

    private static long firstSegmentStart(ControllerServer server) throws IOException {
        return firstSegmentStart(server.storage());
    }

    /** The index of the newest snapshot file ({@code snapshot.<term>_<index>}) under a peer's storage, -1 for none. */
    static long newestSnapshotIndex(Path storage) throws IOException {
        return ratisFiles(storage).filter(name -> name.matches("snapshot\\.[0-9]+_[0-9]+"))
                .mapToLong(name -> Long.parseLong(name.split("_")[1])).max().orElse(-1);
    }

    /**
     * The lowest first index of the log segment files ({@code log_<first>-<last>}, {@code log_inprogress_<first>})
     * under a peer's storage, -1 for none.
     */
    static long firstSegmentStart(Path storage) throws IOException {
        return ratisFiles(storage).filter(name -> name.startsWith("log_"))
                .mapToLong(name -> Long.parseLong(name.replace("log_inprogress_", "").replace("log_", "")
                        .split("-")[0]))
                .min().orElse(-1);
    }

    private static Stream<String> ratisFiles(Path storage) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.walk(storage)) {
            files.filter(Files::isRegularFile).forEach(file -> names.add(file.getFileName().toString()));
        }
        return names.stream();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    static void awaitTrue(Check check, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 30 s: " + what, last);
    }
}
