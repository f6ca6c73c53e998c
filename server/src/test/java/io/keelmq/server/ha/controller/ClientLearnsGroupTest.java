package io.keelmq.server.ha.controller;

import io.keelmq.server.ha.ClientTraffic;
import io.keelmq.server.testing.BrokerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A client whose URL names only the master of a three-broker group (controller embedded, child JVMs on 127.0.0.1)
 * learns the group's other brokers from the master's HANDSHAKE answer ({@code groupBrokers}); when that master is
 * SIGKILLed under load, it finds the master the controller elects among them, and its producer and its consumer
 * (each on a connection of its own) go on: the application sees no exception, the consumer receives every SEND_OK
 * message, and a message it receives twice (acknowledged on the old master less than a position sync before the kill,
 * or in flight) comes the second time with {@code JMSRedelivered}, never as new. Issue 18's case 1 with the client's
 * own failover.
 */
class ClientLearnsGroupTest {
    private static final String QUEUE = "learned-group";

    @TempDir
    Path dir;

    @Test
    void aUrlNamingOnlyTheMasterTakesItsProducerAndConsumerToTheNextMaster() throws Exception {
        List<String> peers = ControllerRaftTest.freeAddresses(3);
        String controllerAddr = String.join(";", peers);
        Map<String, BrokerProcess> brokers = new LinkedHashMap<>();
        try (ControllerClient controller = new ControllerClient("DefaultCluster", peers,
                ControllerFailoverTest.CALL_MILLIS)) {
            for (int i = 0; i < 3; i++) {
                String id = String.valueOf((char) ('a' + i));
                List<String> args = ControllerFailoverTest.brokerArgs(id, controllerAddr,
                        "--enableControllerInBroker=true", "--controllerSelfId=n" + i);
                brokers.put(id, BrokerProcess.start(dir.resolve(id), id, args.toArray(String[]::new)));
            }
            GroupView before = ControllerFailoverTest.awaitGroup(controller, 3, 90_000);
            String oldMaster = before.masterMember().clientAddress();
            // Only the master: the others are learned from its HANDSHAKE answer.
            String url = "keel://" + oldMaster + "?reconnectTimeout=90000";
            try (ClientTraffic traffic = ClientTraffic.start(url, QUEUE)) {
                traffic.awaitSendOk(100, "SEND_OK before the kill");
                long killed = System.nanoTime();
                brokers.get(before.master()).kill();
                int atKill = traffic.sendOk.size();
                traffic.awaitSendOk(atKill + 100, "SEND_OK after the master's SIGKILL");
                System.out.printf("client learning its group: master %s SIGKILLed; 100 more SEND_OK %d ms later (%d "
                        + "sends answered another status meanwhile)%n", before.master(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed), traffic.notSendOk.get());
                traffic.stopAndDrain();
                GroupView after = controller.status(ControllerFailoverTest.GROUP).group();
                assertNotEquals(before.master(), after.master(), "another broker was elected");
                System.out.printf("client learning its group: %d SEND_OK, %d received by the consumer (%d more than "
                        + "once, each then with JMSRedelivered)%n", traffic.sendOk.size(), traffic.received.size(),
                        traffic.receivedTwice());
                traffic.assertNothingLost("the URL's " + oldMaster + " or a learned broker answered them");
            }
        } catch (Throwable failure) {
            ControllerFailoverTest.printLogs(brokers);
            throw failure;
        } finally {
            for (BrokerProcess broker : brokers.values()) {
                broker.process().destroyForcibly();
            }
        }
    }
}
