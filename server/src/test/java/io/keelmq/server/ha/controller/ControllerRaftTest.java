package io.keelmq.server.ha.controller;

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

    @Test
    void electsAMasterThenReplacesTheSilentOneAndSurvivesTheLeadersLoss() throws Exception {
        List<String> peers = freeAddresses(3);
        List<ControllerServer> servers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            servers.add(ControllerServer.start("c1", peers, "n" + i, dir.resolve("n" + i), false, 200));
        }
        try (ControllerClient client = new ControllerClient("c1", peers, 3_000)) {
            awaitOk(() -> client.register("g", "a", "127.0.0.1:1", "127.0.0.1:2", 1_500));
            client.register("g", "b", "127.0.0.1:3", "127.0.0.1:4", 1_500);
            // Both heartbeat: one of them becomes the first master once the leader has led for a timeout.
            GroupView view = heartbeatUntil(client, 30_000, v -> v.hasMaster(), "a", "b");
            String first = view.master();
            String other = first.equals("a") ? "b" : "a";
            assertEquals(1, view.masterEpoch());
            ControllerClient.Reply altered = client.alterInSync("g", first, 1, view.inSyncEpoch(), List.of("a", "b"));
            assertTrue(altered.ok(), altered.refusal());

            // The leader peer goes away; the master falls silent: the other in-sync member is elected.
            ControllerServer leader = servers.stream().filter(ControllerServer::isLeader).findFirst().orElseThrow();
            leader.close();
            servers.remove(leader);
            GroupView after = heartbeatUntil(client, 60_000, v -> v.master().equals(other), other);
            assertEquals(2, after.masterEpoch());
            assertEquals(java.util.Set.of(other), after.inSync());
        } finally {
            for (ControllerServer server : servers) {
                server.close();
            }
        }
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
