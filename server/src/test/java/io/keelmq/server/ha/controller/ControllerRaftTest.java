package io.keelmq.server.ha.controller;

import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three controller peers in one JVM over Ratis (gRPC on 127.0.0.1): the first master is elected from the
 * registered brokers; when it falls silent, the in-sync member that still heartbeats is elected; the state survives
 * the loss of the leader peer.
 */
class ControllerRaftTest {
    @TempDir
    Path dir;

    /** Members' heartbeat timeout: generous, so a loaded machine's pauses do not depose the first master early. */
    private static final long TIMEOUT_MILLIS = 4_000;

    @Test
    void electsAMasterThenReplacesTheSilentOneAndSurvivesTheLeadersLoss() throws Exception {
        List<String> peers = freeAddresses(3);
        List<ControllerServer> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(ControllerServer.start("c1", peers, "n" + i, dir.resolve("n" + i), false, 200));
        }
        try (ControllerClient client = new ControllerClient("c1", peers, 30_000)) {
            awaitOk(() -> client.register("g", "a", "127.0.0.1:1", "127.0.0.1:2", TIMEOUT_MILLIS));
            assertTrue(client.register("g", "b", "127.0.0.1:3", "127.0.0.1:4", TIMEOUT_MILLIS).ok());
            // Both heartbeat: one of them becomes the first master once the leader has led for a timeout.
            GroupView view = heartbeatUntil(client, 60_000, v -> v.hasMaster(), "a", "b");
            String first = view.master();
            String other = first.equals("a") ? "b" : "a";
            assertEquals(1, view.masterEpoch());
            ControllerClient.Reply altered = client.alterInSync("g", first, 1, view.inSyncEpoch(), List.of("a", "b"));
            assertTrue(altered.ok(), altered.refusal());
            assertAFollowerKeepsNoHeartbeat(peers, servers, other);

            // The leader peer goes away; the master falls silent: the other in-sync member, heard by the new leader
            // (reads reach the leader, not a follower, which would keep the heartbeat to itself), is elected.
            ControllerServer leader = servers.stream().filter(ControllerServer::isLeader).findFirst().orElseThrow();
            leader.close();
            servers.remove(leader);
            GroupView after = heartbeatUntil(client, 60_000, v -> v.master().equals(other), other);
            assertEquals(2, after.masterEpoch());
            assertEquals(java.util.Set.of(other), after.inSync());
            assertAnsweredByTheLeader(client, servers);
        } finally {
            for (ControllerServer server : servers) {
                server.close();
            }
        }
    }

    /**
     * Ratis lets a follower answer a linearizable read itself; a heartbeat it answered would be recorded where the
     * leader's scan never looks (the leader would count the broker dead and elect no one in its place). A follower
     * answers every read NOT_LEADER instead; the ControllerClient goes on to the leader.
     */
    private static void assertAFollowerKeepsNoHeartbeat(List<String> peers, List<ControllerServer> servers, String id)
            throws Exception {
        try (RaftClient raw = RaftClient.newBuilder().setProperties(new RaftProperties())
                .setRaftGroup(ControllerPeers.group("c1", peers)).build()) {
            for (int attempt = 0; attempt < 10; attempt++) {
                ControllerServer follower = servers.stream().filter(server -> !server.isLeader()).findFirst()
                        .orElseThrow();
                String answer = raw.io().sendReadOnly(Message.valueOf(String.join("\t", "HEARTBEAT", "g", id, "0",
                        "0")), RaftPeerId.valueOf(follower.selfId())).getMessage().getContent().toStringUtf8();
                if (answer.startsWith(ControllerClient.NOT_LEADER)) {
                    return;
                }
                // It answered: only right if it had become the leader meanwhile (leadership moves on a loaded machine).
                assertTrue(follower.isLeader(), "follower " + follower.selfId() + " answered " + answer);
            }
            throw new AssertionError("no peer stayed a follower long enough to be asked");
        }
    }

    /** A read names the peer that answered: it is the leader (polled: leadership may move under load). */
    private static void assertAnsweredByTheLeader(ControllerClient client, List<ControllerServer> servers)
            throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        String answeredBy = null;
        String leading = null;
        while (System.currentTimeMillis() < deadline) {
            answeredBy = client.status("g").leader();
            leading = servers.stream().filter(ControllerServer::isLeader).map(ControllerServer::selfId)
                    .findFirst().orElse(null);
            if (answeredBy.equals(leading)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("reads answered by " + answeredBy + ", the leader is " + leading);
    }

    interface Call {
        ControllerClient.Reply call() throws Exception;
    }

    private static void awaitOk(Call call) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (call.call().ok()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the controller never answered", last);
    }

    private static GroupView heartbeatUntil(ControllerClient client, long millis,
                                            java.util.function.Predicate<GroupView> done, String... ids)
            throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        GroupView last = null;
        while (System.currentTimeMillis() < deadline) {
            for (String id : ids) {
                try {
                    ControllerClient.Reply reply = client.heartbeat("g", id, 0, 0);
                    if (reply.ok()) {
                        last = reply.group();
                    }
                } catch (java.io.IOException e) {
                    // between leaders
                }
            }
            if (last != null && done.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("not reached within " + millis + " ms; last view " + last);
    }

    static List<String> freeAddresses(int count) throws Exception {
        List<String> addresses = new ArrayList<>();
        List<ServerSocket> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            held.add(socket);
            addresses.add("127.0.0.1:" + socket.getLocalPort());
        }
        for (ServerSocket socket : held) {
            socket.close();
        }
        return addresses;
    }
}
