package io.keelmq.server.ha.controller;

import io.keelmq.server.ha.HaTestSupport;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.ControllerProcess;
import io.keelmq.server.testing.FaultProxy;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.keelmq.server.ha.controller.ControllerFailoverTest.CALL_MILLIS;
import static io.keelmq.server.ha.controller.ControllerFailoverTest.GROUP;
import static io.keelmq.server.ha.controller.ControllerFailoverTest.LOAD;
import static io.keelmq.server.ha.controller.ControllerFailoverTest.TIMEOUT_MILLIS;
import static io.keelmq.server.ha.controller.ControllerFailoverTest.awaitGroup;
import static io.keelmq.server.ha.controller.ControllerFailoverTest.brokerArgs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three separate keel-controller processes and three SYNC_MASTER brokers, all child JVMs on 127.0.0.1: the loss of
 * the controller leader (a quorum remains) leaves the master in place, answering SEND_OK; the loss of the master and
 * the controller leader together elects an in-sync slave; neither loses a SEND_OK message. A master cut off (FaultProxy) from the controller and its slaves but reachable by clients answers no SEND_OK once its lease
 * has ended, and the group goes on under an elected slave.
 */
class ControllerProcessesTest {
    @TempDir
    Path dir;

    private final Map<String, ControllerProcess> controllers = new LinkedHashMap<>();
    private final Map<String, BrokerProcess> brokers = new LinkedHashMap<>();

    private List<String> startControllers() throws Exception {
        // (a restarted peer takes the same controllerAddr and its own Raft log again)
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        for (int i = 0; i < 3; i++) {
            controllers.put("n" + i, ControllerProcess.start(dir.resolve("controllers"), String.join(";", peers),
                    "n" + i, "--scanNotActiveBrokerInterval=300"));
        }
        return peers;
    }

    private void startBroker(String id, String controllerAddr, String... extra) throws Exception {
        brokers.put(id, BrokerProcess.start(dir.resolve(id), id,
                brokerArgs(id, controllerAddr, extra).toArray(String[]::new)));
    }

    private void printControllerLogs() {
        ProxiedGroup.printControllerLogs(dir.resolve("controllers"), controllers.keySet());
    }

    private void stopAll() {
        for (BrokerProcess broker : brokers.values()) {
            broker.process().destroyForcibly();
        }
        for (ControllerProcess controller : controllers.values()) {
            controller.process().destroyForcibly();
        }
    }

    @Test
    void sigkillOfTheControllerLeaderThenOfTheMasterWithTheNewControllerLeaderLosesNoSendOkMessage() throws Exception {
        List<String> peers = startControllers();
        try (ControllerClient controller = new ControllerClient("DefaultCluster", peers, CALL_MILLIS)) {
            for (String id : List.of("a", "b", "c")) {
                startBroker(id, String.join(";", peers));
            }
            GroupView before = awaitGroup(controller, 3, 90_000);
            try (FollowingProducers producers = new FollowingProducers(controller, GROUP, "controllers", 3)) {
                producers.awaitSendOk(LOAD, "", producers.started(), 60_000L + LOAD * 20L);

                // The controller leader dies while two peers, a quorum, remain: they elect a leader, which waits a
                // whole heartbeat timeout before it counts any broker dead, and hears the master's heartbeats within
                // it (reads reach the leader). The master renews its lease through the new leader and stays master:
                // sends issued two heartbeat timeouts after the kill, when the new leader's grace is long over, are
                // SEND_OK from the same master of the same epoch.
                GroupView master = controller.status(GROUP).group();
                String leader = controller.status(GROUP).leader();
                controllers.get(leader).kill();
                long leaderKilled = System.nanoTime();
                long graceOver = leaderKilled + TimeUnit.MILLISECONDS.toNanos(2 * TIMEOUT_MILLIS);
                producers.awaitSendOk(LOAD, "", graceOver, 90_000L + LOAD * 20L);
                ControllerClient.Reply afterLeaderLoss = controller.status(GROUP);
                System.out.printf("controller leader %s SIGKILLed: %s leads now; master %s of epoch %d before, %s of "
                        + "epoch %d after%n", leader, afterLeaderLoss.leader(), master.master(), master.masterEpoch(),
                        afterLeaderLoss.group().master(), afterLeaderLoss.group().masterEpoch());
                assertNotEquals(leader, afterLeaderLoss.leader(), "a surviving peer leads the controller");
                assertEquals(master.master(), afterLeaderLoss.group().master(),
                        "no failover for the loss of the controller leader while a quorum remains");
                assertEquals(master.masterEpoch(), afterLeaderLoss.group().masterEpoch());
                String masterAddress = master.masterMember().clientAddress();
                assertEquals(List.of(), producers.sendOk().stream().filter(ok -> ok.issuedNanos() - leaderKilled > 0
                        && !ok.broker().equals(masterAddress)).limit(5).toList(),
                        "SEND_OK after the controller leader's loss only from the master of before");

                // The killed peer comes back (from its Raft log); then the master and the controller's leader of now
                // die together: two controllers remain, a quorum.
                controllers.put(leader, ControllerProcess.start(dir.resolve("controllers"), String.join(";", peers),
                        leader, "--scanNotActiveBrokerInterval=300"));
                ControllerClient.Reply current = controller.status(GROUP);
                String oldMaster = current.group().masterMember().clientAddress();
                long killed = System.nanoTime();
                brokers.get(current.group().master()).kill();
                controllers.get(current.leader()).kill();
                producers.awaitSendOk(LOAD, oldMaster, killed, 120_000L + LOAD * 20L);
                long firstAfter = producers.sendOk().stream().filter(ok -> !ok.broker().equals(oldMaster)
                        && ok.issuedNanos() - killed > 0)
                        .mapToLong(FollowingProducers.Ok::issuedNanos).min().orElseThrow();
                System.out.printf("controller failover with the controller leader (%s) killed too: first SEND_OK from "
                        + "the new master for a send issued %d ms after the kill%n", current.leader(),
                        TimeUnit.NANOSECONDS.toMillis(firstAfter - killed));
                producers.close();
                GroupView after = controller.status(GROUP).group();
                assertTrue(current.group().inSync().contains(after.master())
                        && !after.master().equals(current.group().master()),
                        "an in-sync slave was elected: " + current.group() + " -> " + after);
                FollowingProducers.assertNoneLost(after.masterMember().clientAddress(), "controllers",
                        producers.sendOk());
            }
        } catch (Throwable failure) {
            ControllerFailoverTest.printLogs(brokers);
            printControllerLogs();
            throw failure;
        } finally {
            stopAll();
        }
    }

    @Test
    void aMasterCutOffFromTheControllerAndItsSlavesAnswersNoSendOkAfterItsLease() throws Exception {
        List<String> peers = startControllers();
        List<FaultProxy> cut = new ArrayList<>();
        try (ControllerClient controller = new ControllerClient("DefaultCluster", peers, CALL_MILLIS)) {
            // Broker a reaches the controllers, and its slaves reach it, only through proxies.
            List<String> proxied = new ArrayList<>();
            for (String peer : peers) {
                FaultProxy proxy = new FaultProxy(HaTestSupport.toAddress(peer));
                cut.add(proxy);
                proxied.add(proxy.address());
            }
            String haPort = ControllerRaftTest.freeAddresses(1).get(0);
            FaultProxy haProxy = new FaultProxy(HaTestSupport.toAddress(haPort));
            cut.add(haProxy);
            startBroker("a", String.join(";", proxied), "--haListenPort=" + HaTestSupport.toAddress(haPort).getPort(),
                    "--haAdvertisedAddress=" + haProxy.address());
            GroupView first = awaitGroup(controller, 1, 90_000);
            assertEquals("a", first.master(), "the only broker is elected first");
            startBroker("b", String.join(";", peers));
            startBroker("c", String.join(";", peers));
            GroupView before = awaitGroup(controller, 3, 90_000);
            String masterAddress = before.masterMember().clientAddress();
            try (FollowingProducers producers = new FollowingProducers(controller, GROUP, "partition", 3)) {
                producers.awaitSendOk(LOAD, "", producers.started(), 60_000L + LOAD * 20L);
                long partitioned = System.nanoTime();
                for (FaultProxy proxy : cut) {
                    proxy.drop();
                }
                // Sends straight to a, all along: after its lease, none may be SEND_OK.
                long leaseEnd = partitioned + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS / 2);
                producers.awaitSendOk(LOAD, masterAddress, partitioned, 120_000L + LOAD * 20L);
                producers.close();
                List<FollowingProducers.Ok> late = producers.sendOk().stream()
                        .filter(ok -> ok.broker().equals(masterAddress) && ok.issuedNanos() > leaseEnd).toList();
                assertEquals(List.of(), late, "SEND_OK from the cut-off master after its lease ended");
                assertTrue(refusesSends(masterAddress), "the old master refuses sends");
                GroupView after = controller.status(GROUP).group();
                assertTrue(!after.master().equals("a") && before.inSync().contains(after.master()),
                        "an in-sync slave was elected: " + after);
                System.out.printf("partitioned master: %d SEND_OK before its lease ended, none after; new master %s"
                        + "%n", producers.sendOk().stream().filter(ok -> ok.broker().equals(masterAddress)).count(),
                        after.master());
                FollowingProducers.assertNoneLost(after.masterMember().clientAddress(), "partition",
                        producers.sendOk());
            }
        } catch (Throwable failure) {
            ControllerFailoverTest.printLogs(brokers);
            printControllerLogs();
            throw failure;
        } finally {
            for (FaultProxy proxy : cut) {
                proxy.close();
            }
            stopAll();
        }
    }

    /** Whether a PERSISTENT send straight to {@code broker} is refused with NOT_MASTER now. */
    private static boolean refusesSends(String broker) throws Exception {
        try {
            HaTestSupport.sendOne("keel://" + broker, "partition", "after the lease");
            return false;           // stored: answered SEND_OK or another status
        } catch (JMSException e) {
            return "NOT_MASTER".equals(e.getErrorCode());
        }
    }
}
