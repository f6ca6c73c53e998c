package io.keelmq.server.ha;

import io.keelmq.jms.provider.BrokerURL;
import io.keelmq.jms.provider.ConnectRequest;
import io.keelmq.jms.provider.ConnectionInfo;
import io.keelmq.jms.provider.Provider;
import io.keelmq.jms.provider.ProviderFactory;
import io.keelmq.server.testing.BrokerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Fixed roles (a SYNC_MASTER and a SLAVE with {@code haMasterAddress}, no controller), child JVMs on 127.0.0.1: the
 * slave tells the master its client address in its HELLO, so the master's HANDSHAKE answer lists the group (master
 * first, then its slave) and the slave's lists its master, then itself (a client that reaches the slave while the
 * master is down, and replaces what it learned by the slave's answer, must not forget the slave). A client whose URL names only the master learns the
 * slave from it: when the master is SIGKILLed under load and the slave's data directory is started as master on the
 * slave's client port (the operator's failover of fixed roles, server/README.md), its producer and consumer go on
 * there; no exception, every SEND_OK message received, one received twice only with {@code JMSRedelivered}.
 */
class FixedRoleGroupTest {
    private static final String QUEUE = "fixed-group";

    @TempDir
    Path dir;

    @Test
    void aUrlNamingOnlyTheMasterLearnsItsSlaveAndFollowsItWhenItIsStartedAsMaster() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        BrokerProcess promoted = null;
        String masterAddress = hostPort(master);
        String slaveAddress = hostPort(slave);
        try {
            ReplicationTest.awaitInSync(master.url());
            assertEquals(List.of(masterAddress, slaveAddress), groupBrokers(master.url()),
                    "the master's HANDSHAKE answer lists itself, then its slave");
            assertEquals(List.of(masterAddress, slaveAddress), groupBrokers(slave.url()),
                    "the slave's HANDSHAKE answer lists its master, then itself");

            String url = "keel://" + masterAddress + "?reconnectTimeout=90000";
            try (ClientTraffic traffic = ClientTraffic.start(url, QUEUE)) {
                traffic.awaitSendOk(100, "SEND_OK before the kill");
                long killed = System.nanoTime();
                master.kill();
                assertEquals(0, slave.stop());
                slave = null;
                promoted = BrokerProcess.start(dir.resolve("s"), "promoted", "--brokerRole=ASYNC_MASTER",
                        "--listenPort=" + slaveAddress.substring(slaveAddress.lastIndexOf(':') + 1));
                int atPromotion = traffic.sendOk.size();
                traffic.awaitSendOk(atPromotion + 100, "SEND_OK from the slave started as master");
                System.out.printf("fixed roles: master SIGKILLed, its slave started as master; 100 more SEND_OK %d ms "
                        + "after the kill%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
                traffic.stopAndDrain();
                System.out.printf("fixed roles: %d SEND_OK, %d received by the consumer (%d more than once, each then "
                        + "with JMSRedelivered)%n", traffic.sendOk.size(), traffic.received.size(),
                        traffic.receivedTwice());
                traffic.assertNothingLost("the URL's master " + masterAddress + " or its learned slave "
                        + slaveAddress + " answered them");
            }
        } catch (Throwable failure) {
            System.out.println("master log:\n" + master.log());
            System.out.println("slave log:\n" + Files.readString(dir.resolve("s/slave.log")));
            throw failure;
        } finally {
            master.process().destroyForcibly();
            if (slave != null) {
                slave.process().destroyForcibly();
            }
            if (promoted != null) {
                promoted.process().destroyForcibly();
            }
        }
    }

    private static String hostPort(BrokerProcess broker) {
        return broker.address().getHostString() + ":" + broker.address().getPort();
    }

    /** The {@code groupBrokers} of the broker's HANDSHAKE answer, as the provider's ConnectionInfo holds them. */
    private static List<String> groupBrokers(String url) throws Exception {
        Provider provider = ProviderFactory.create(BrokerURL.parse(url), Map.of(), 10_000);
        try {
            ConnectionInfo info = provider.connect(new ConnectRequest(null, null, null, 0), cause -> { });
            return info.groupBrokers();
        } finally {
            provider.close();
        }
    }
}
