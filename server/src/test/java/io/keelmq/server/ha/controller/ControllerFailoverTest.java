package io.keelmq.server.ha.controller;

import io.keelmq.server.testing.BrokerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Automatic failover with the controller embedded in three SYNC_MASTER brokers (three Ratis peers), all child JVMs
 * on 127.0.0.1: a SIGKILL of the master under load from three producers makes the controller elect an in-sync
 * slave; the producers, reconnecting to the master the controller names, go on; every SEND_OK message is on the
 * new master.
 */
class ControllerFailoverTest {
    static final String GROUP = "g";
    static final long TIMEOUT_MILLIS = 5_000;
    /** The bound of each of the tests' own controller calls: several re-elections of its leader on a loaded machine. */
    static final long CALL_MILLIS = 30_000;
    /** SEND_OK messages each phase waits for: 300 by default; the ha-soak profile (server/README.md) asks more. */
    static final int LOAD = Integer.getInteger("keel.ha.load", 300);

    @TempDir
    Path dir;

    /** The options of a broker of group {@link #GROUP} in controller mode. */
    static List<String> brokerArgs(String id, String controllerAddr, String... extra) {
        List<String> args = new ArrayList<>(List.of("--enableControllerMode=true", "--controllerAddr=" + controllerAddr,
                "--brokerName=" + GROUP, "--brokerId=" + id, "--brokerRole=SYNC_MASTER",
                "--controllerHeartBeatTimeoutMills=" + TIMEOUT_MILLIS, "--brokerHeartbeatInterval=300",
                "--scanNotActiveBrokerInterval=300", "--haHousekeepingInterval=3000", "--haSendHeartbeatInterval=500",
                "--syncFlushTimeout=3000"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Waits until the group has a master and an in-sync set of {@code size}; the view. */
    static GroupView awaitGroup(ControllerClient controller, int size, long millis) throws Exception {
        return awaitView(controller, view -> view.hasMaster() && view.inSync().size() >= size, millis,
                "the group never had a master and " + size + " in sync");
    }

    /** Waits until the controller names a master other than {@code oldMaster}; the view. */
    static GroupView awaitNewMaster(ControllerClient controller, String oldMaster, long millis) throws Exception {
        return awaitView(controller, view -> view.hasMaster() && !view.master().equals(oldMaster), millis,
                "no new master (other than " + oldMaster + ") within " + millis + " ms");
    }

    /** Asks the controller every 200 ms until the group's view is {@code wanted}, for {@code millis} at most. */
    static GroupView awaitView(ControllerClient controller, java.util.function.Predicate<GroupView> wanted,
                               long millis, String failure) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        GroupView view = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                view = controller.status(GROUP).group();
            } catch (java.io.IOException e) {
                view = null;     // no controller leader at this moment
            }
            if (view != null && wanted.test(view)) {
                return view;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(failure + "; last view " + view);
    }

    @Test
    void sigkillOfTheSyncMasterUnderLoadElectsAnInSyncSlaveAndLosesNoSendOkMessage() throws Exception {
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        String controllerAddr = String.join(";", peers);
        Map<String, BrokerProcess> brokers = new java.util.LinkedHashMap<>();
        try (ControllerClient controller = new ControllerClient("DefaultCluster", peers, CALL_MILLIS)) {
            for (int i = 0; i < 3; i++) {
                String id = String.valueOf((char) ('a' + i));
                List<String> args = brokerArgs(id, controllerAddr, "--enableControllerInBroker=true",
                        "--controllerSelfId=n" + i);
                brokers.put(id, BrokerProcess.start(dir.resolve(id), id, args.toArray(String[]::new)));
            }
            GroupView before = awaitGroup(controller, 3, 90_000);
            String oldMaster = before.masterMember().clientAddress();
            String oldId = before.master();
            try (FollowingProducers producers = new FollowingProducers(controller, GROUP, "failover", 3)) {
                producers.awaitSendOk(LOAD, "", producers.started(), 60_000L + LOAD * 20L);
                long killed = System.nanoTime();
                brokers.get(oldId).kill();
                producers.awaitSendOk(LOAD, oldMaster, killed, 90_000L + LOAD * 20L);
                long firstAfter = producers.sendOk().stream().filter(ok -> !ok.broker().equals(oldMaster)
                        && ok.issuedNanos() - killed > 0)
                        .mapToLong(FollowingProducers.Ok::issuedNanos).min().orElseThrow();
                System.out.printf("controller failover: master %s SIGKILLed; first SEND_OK from the new master for "
                        + "a send issued %d ms later (controllerHeartBeatTimeoutMills=%d)%n", oldId,
                        TimeUnit.NANOSECONDS.toMillis(firstAfter - killed), TIMEOUT_MILLIS);
                producers.close();
                GroupView after = controller.status(GROUP).group();
                assertTrue(!after.master().equals(oldId) && before.inSync().contains(after.master()),
                        "an in-sync slave was elected: " + before + " -> " + after);
                assertEquals(before.masterEpoch() + 1, after.masterEpoch());
                // The elected slave restarted its broker in place, but not its controller peer: that peer belongs to
                // the process (restarting it would cost the controller its leader, or a voter, mid-failover).
                String electedLog = brokers.get(after.master()).log();
                assertTrue(electedLog.contains("restarted in place"), "the elected slave restarted in place");
                assertEquals(1, electedLog.lines().filter(line -> line.contains("controller peer n")
                        && line.contains(" started (group ")).count(), "the elected broker's controller peer started "
                        + "once, at the process's start");
                FollowingProducers.assertNoneLost(after.masterMember().clientAddress(), "failover",
                        producers.sendOk());
            }
        } catch (Throwable failure) {
            printLogs(brokers);
            throw failure;
        } finally {
            for (BrokerProcess broker : brokers.values()) {
                broker.process().destroyForcibly();
            }
        }
    }

    /** After a failure: what the brokers' logs say about the controller and their roles. */
    static void printLogs(Map<String, BrokerProcess> brokers) {
        for (Map.Entry<String, BrokerProcess> broker : brokers.entrySet()) {
            try {
                broker.getValue().log().lines()
                        .filter(line -> line.contains("io.keelmq") && (line.contains("WARN") || line.contains("ERROR")
                                || line.contains("controller")) || line.contains("changes role from")
                                // why a Raft peer refused a vote and what each election round received: what to read
                                // when the surviving peers do not elect a leader
                                || line.contains("VoteContext") || line.contains("impl.LeaderElection"))
                        .limit(600)
                        .forEach(line -> System.out.println(broker.getKey() + ": " + line));
            } catch (java.io.IOException e) {
                System.out.println(broker.getKey() + ": no log: " + e);
            }
        }
    }
}
