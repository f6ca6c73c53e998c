package io.keelmq.server.ha.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A controller peer started long after the other two. While it was not up, their gRPC channels to it failed call
 * after call and went into gRPC's reconnect backoff (growing to 120 s); a peer left without the leader's log is no
 * use in an election (Ratis counts no vote from an empty log), so losing the leader then left two peers that never
 * elected one (issue 18: the controller's election stall). The late peer must have the log within seconds, and the
 * leader's loss afterwards must leave two peers that elect a leader and answer with the group's state.
 */
class ControllerLatePeerTest {
    @TempDir
    Path dir;

    /** How long the third peer stays down: long enough for the others' channels to it to back off for seconds. */
    private static final long LATE_MILLIS = 25_000;
    /** The late peer has the log within this (PeerChannelWatch replaces a silent peer's channel after 3 s). */
    private static final long JOIN_MILLIS = 12_000;

    @Test
    void aPeerStartedLateGetsTheLogAndTheLeadersLossLeavesTwoThatElect() throws Exception {
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        List<ControllerServer> servers = new ArrayList<>();
        try (ControllerClient client = new ControllerClient("c1", peers, 30_000)) {
            for (int i = 0; i < 2; i++) {
                servers.add(ControllerServer.start("c1", peers, "n" + i, dir.resolve("n" + i), false, 200));
            }
            awaitRegistered(client, "a");
            Thread.sleep(LATE_MILLIS);
            assertTrue(client.register("g", "b", "127.0.0.1:3", "127.0.0.1:4", 4_000).ok());

            long started = System.nanoTime();
            ControllerServer late = ControllerServer.start("c1", peers, "n2", dir.resolve("n2"), false, 200);
            servers.add(late);
            long deadline = started + TimeUnit.MILLISECONDS.toNanos(JOIN_MILLIS);
            while (!late.hasJoined() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            long joinMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            System.out.printf("late controller peer: had the leader's log %d ms after it started, %d ms after the "
                    + "others%n", joinMillis, LATE_MILLIS);
            assertTrue(late.hasJoined(), "the peer started " + LATE_MILLIS + " ms after the others had no leader's "
                    + "log " + JOIN_MILLIS + " ms after its start");

            ControllerServer leader = servers.stream().filter(ControllerServer::isLeader).findFirst().orElseThrow();
            leader.close();
            servers.remove(leader);
            GroupView view = awaitStatus(client, 60_000);
            assertTrue(view.members().containsKey("a") && view.members().containsKey("b"),
                    "the surviving peers answer with the group's state: " + view);
            assertTrue(servers.stream().anyMatch(ControllerServer::isLeader),
                    "one of the two surviving peers leads");
        } finally {
            for (ControllerServer server : servers) {
                server.close();
            }
        }
    }

    private static void awaitRegistered(ControllerClient client, String id) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (client.register("g", id, "127.0.0.1:1", "127.0.0.1:2", 4_000).ok()) {
                    return;
                }
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the two first peers never answered", last);
    }

    /** Asks for the group's state until a leader answers, for {@code millis} at most. */
    private static GroupView awaitStatus(ControllerClient client, long millis) throws Exception {
        long start = System.nanoTime();
        long deadline = System.currentTimeMillis() + millis;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                ControllerClient.Reply reply = client.status("g");
                if (reply.ok()) {
                    System.out.printf("controller leader's loss: the two surviving peers answered %d ms later%n",
                            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    return reply.group();
                }
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the two surviving peers elected no leader within " + millis + " ms", last);
    }
}
