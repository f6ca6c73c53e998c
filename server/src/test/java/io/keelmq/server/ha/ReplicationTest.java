package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.SendStatus;
import io.keelmq.jms.SendStatusException;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.FaultProxy;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.keelmq.server.ha.HaTestSupport.sendOne;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Replication with fixed roles, between broker child processes on 127.0.0.1: a SYNC_MASTER answers SEND_OK only for
 * what its slave has, the slave's log is the master's byte for byte, and a slave restarted as a master serves every
 * message that was answered SEND_OK, also after a SIGKILL of the master under load.
 */
class ReplicationTest {
    private static final String QUEUE = "ha-orders";
    private static final String BODY_PAD = "x".repeat(2_000);

    @TempDir
    Path dir;

    @Test
    void theSlaveHoldsEverySendOkMessageInAByteIdenticalLogAndServesThemAsMaster() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER",
                "--minInSyncReplicas=2");
        Set<String> sendOk = ConcurrentHashMap.newKeySet();
        BrokerProcess slave = null;
        try {
            // No slave yet: the group has one broker in sync, minInSyncReplicas wants two; nothing is stored.
            JMSException refused = assertThrows(JMSException.class, () -> sendOne(master.url(), "ha-probe", "early"));
            assertEquals("IN_SYNC_REPLICAS_NOT_ENOUGH", refused.getErrorCode(), refused.toString());

            slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                    "--haMasterAddress=" + master.haAddress());
            awaitInSync(master.url());
            assertSlaveRefusesSends(slave, master.address());

            // Three producers, about 6.6 MB of records: the 4 MiB segments roll on both brokers.
            List<Thread> producers = new ArrayList<>();
            Map<String, SendStatus> other = new ConcurrentHashMap<>();
            for (int p = 0; p < 3; p++) {
                int producer = p;
                producers.add(new Thread(() -> produce(master.url(), producer, 1_000, sendOk, other, new AtomicBoolean()),
                        "ha-producer-" + p));
            }
            producers.forEach(Thread::start);
            for (Thread thread : producers) {
                thread.join(180_000);
            }
            assertEquals(Map.of(), other, "every send had its slave in sync");
            assertEquals(3_000, sendOk.size());
            assertEquals(0, master.stop());
            assertEquals(0, slave.stop());
            slave = null;

            List<byte[]> masterLog = CommitLogRecords.read(dir.resolve("m/data/commitlog"));
            List<byte[]> slaveLog = CommitLogRecords.read(dir.resolve("s/data/commitlog"));
            assertTrue(masterLog.size() >= 3_000, "records in the master's log: " + masterLog.size());
            CommitLogRecords.assertIdentical(masterLog, slaveLog);
        } finally {
            master.process().destroyForcibly();
            if (slave != null) {
                slave.kill();
            }
        }
        assertServedAfterRestartAsMaster(dir.resolve("s"), sendOk);
    }

    @Test
    void sigkillOfTheSyncMasterUnderLoadLosesNoSendOkMessage() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        Set<String> sendOk = ConcurrentHashMap.newKeySet();
        Map<String, SendStatus> other = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> producers = new ArrayList<>();
        try {
            awaitInSync(master.url());
            for (int p = 0; p < 4; p++) {
                int producer = p;
                producers.add(new Thread(() -> produce(master.url(), producer, Integer.MAX_VALUE, sendOk, other, stop),
                        "ha-producer-" + p));
            }
            producers.forEach(Thread::start);
            long deadline = System.currentTimeMillis() + 60_000;
            while (sendOk.size() < 800 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            master.kill();          // in the middle of the load
            stop.set(true);
            for (Thread thread : producers) {
                thread.join(30_000);
            }
            assertTrue(sendOk.size() >= 800, "load ran before the kill: " + sendOk.size());
            assertEquals(0, slave.stop());
        } finally {
            stop.set(true);
            master.process().destroyForcibly();
            slave.process().destroyForcibly();
        }
        System.out.printf("HA master SIGKILL: %d sends answered SEND_OK, %d other statuses %s%n", sendOk.size(),
                other.size(), new HashSet<>(other.values()));
        assertServedAfterRestartAsMaster(dir.resolve("s"), sendOk);
    }

    @Test
    void sigkillOfTheSlaveMakesTheMasterAnswerSlaveNotAvailableNeverSendOk() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER",
                "--syncFlushTimeout=2000");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        try {
            awaitInSync(master.url());
            assertEquals(SendStatus.SEND_OK, sendOne(master.url(), QUEUE, "before"));
            slave.kill();
            // The connection dies with the process: the master counts the slave out, and says so for every send.
            long deadline = System.currentTimeMillis() + 30_000;
            SendStatus status = sendOne(master.url(), QUEUE, "after-0");
            while (status == SendStatus.SEND_OK && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);       // a send racing the kill may have reached the slave before it died
                status = sendOne(master.url(), QUEUE, "after-x");
            }
            assertTrue(status == SendStatus.SLAVE_NOT_AVAILABLE || status == SendStatus.FLUSH_SLAVE_TIMEOUT,
                    "status after the slave died: " + status);
            for (int i = 1; i <= 20; i++) {
                assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, sendOne(master.url(), QUEUE, "after-" + i),
                        "send " + i + " after the slave was counted out");
            }
        } finally {
            master.process().destroyForcibly();
            slave.process().destroyForcibly();
        }
    }

    @Test
    void aPartitionedSlaveGivesFlushSlaveTimeoutHidesTheMessageThenSlaveNotAvailableAndRejoins() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER",
                "--syncFlushTimeout=1000", "--haHousekeepingInterval=8000");
        BrokerProcess slave = null;
        try (FaultProxy proxy = new FaultProxy(HaTestSupport.toAddress(master.haAddress()))) {
            slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                    "--haMasterAddress=" + proxy.address(), "--haSendHeartbeatInterval=500");
            awaitInSync(master.url());
            try (Connection connection = new KeelConnectionFactory(master.url()).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
                connection.start();
                assertEquals(SendStatus.SEND_OK, sendOne(master.url(), QUEUE, "visible"));
                assertNotNull(consumer.receive(10_000), "a SEND_OK message is visible");

                proxy.drop();
                // The slave is silent but not yet counted out (haHousekeepingInterval): the send waits for it.
                assertEquals(SendStatus.FLUSH_SLAVE_TIMEOUT, sendOne(master.url(), QUEUE, "unconfirmed"));
                // Beyond the confirmed offset: consumers of the master do not see it while the slave may lack it.
                assertNull(consumer.receive(1_000), "a message the in-sync slave did not confirm is not delivered");

                // Counted out after haHousekeepingInterval: the message becomes visible, sends say no slave.
                TextMessage late = (TextMessage) consumer.receive(30_000);
                assertNotNull(late, "visible once the silent slave was counted out");
                assertEquals("unconfirmed", late.getText());
                assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, sendOne(master.url(), QUEUE, "alone"));
                assertNotNull(consumer.receive(10_000));

                // Healed: the garbled connection is reset, the slave connects again and catches up.
                proxy.pass();
                proxy.reset();
                awaitInSync(master.url());
                assertEquals(SendStatus.SEND_OK, sendOne(master.url(), QUEUE, "rejoined"));
            }
            assertEquals(0, master.stop());
            assertEquals(0, slave.stop());
            CommitLogRecords.assertIdentical(CommitLogRecords.read(dir.resolve("m/data/commitlog")),
                    CommitLogRecords.read(dir.resolve("s/data/commitlog")));
        } finally {
            master.process().destroyForcibly();
            if (slave != null) {
                slave.process().destroyForcibly();
            }
        }
    }

    @Test
    void anOldMasterThatWrotePastItsSlaveCutsTheDivergedTailIntoQuarantineAndFollowsTheNewMaster() throws Exception {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        BrokerProcess master = BrokerProcess.start(a, "a-master", "--brokerRole=SYNC_MASTER");
        BrokerProcess slave = BrokerProcess.start(b, "b-slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        BrokerProcess newMaster = null;
        BrokerProcess oldMaster = null;
        try {
            awaitInSync(master.url());
            assertEquals(SendStatus.SEND_OK, sendOne(master.url(), QUEUE, "both have it"));
            assertEquals(0, slave.stop());
            // Epoch 1 goes on without the slave: these bytes are on the old master only.
            assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, sendOne(master.url(), QUEUE, "only on a"));
            master.kill();
            // The slave's copy becomes the master of epoch 2, starting where its copy of epoch 1 ended (KIP-101).
            newMaster = BrokerProcess.start(b, "b-master", "--brokerRole=SYNC_MASTER");
            assertEquals(SendStatus.SLAVE_NOT_AVAILABLE, sendOne(newMaster.url(), QUEUE, "epoch 2, before a rejoins"));
            oldMaster = BrokerProcess.start(a, "a-slave", "--brokerRole=SLAVE",
                    "--haMasterAddress=" + newMaster.haAddress());
            awaitInSync(newMaster.url());
            assertEquals(SendStatus.SEND_OK, sendOne(newMaster.url(), QUEUE, "epoch 2, on both"));
            assertEquals(0, newMaster.stop());
            assertEquals(0, oldMaster.stop());
        } finally {
            for (BrokerProcess process : new BrokerProcess[] {master, slave, newMaster, oldMaster}) {
                if (process != null) {
                    process.process().destroyForcibly();
                }
            }
        }
        CommitLogRecords.assertIdentical(CommitLogRecords.read(b.resolve("data/commitlog")),
                CommitLogRecords.read(a.resolve("data/commitlog")));
        String quarantined;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(a.resolve("data/quarantine"))) {
            quarantined = files.map(file -> {
                try {
                    return new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).reduce("", String::concat);
        }
        assertTrue(quarantined.contains("only on a"), "the old master's diverged message is kept in quarantine/");
        assertTrue(!quarantined.contains("epoch 2"), "nothing of the new master's log is in quarantine/");
    }

    // ------------------------------------------------------------------ helpers

    /** Sends probes until one is answered SEND_OK: the slave has connected and caught up. */
    static void awaitInSync(String url) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        Object status = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                status = sendOne(url, "ha-probe", "probe");
            } catch (JMSException e) {
                if (!"IN_SYNC_REPLICAS_NOT_ENOUGH".equals(e.getErrorCode())) {
                    throw e;
                }
                status = e.getErrorCode();      // minInSyncReplicas not met yet: nothing stored
            }
            if (status == SendStatus.SEND_OK) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slave never came in sync; last status " + status);
    }

    private static void assertSlaveRefusesSends(BrokerProcess slave, InetSocketAddress master) throws Exception {
        JMSException refused = assertThrows(JMSException.class, () -> sendOne(slave.url(), QUEUE, "to the slave"));
        assertEquals("NOT_MASTER", refused.getErrorCode(), refused.toString());
        assertTrue(refused.getMessage().contains(":" + master.getPort()), "names the master: " + refused.getMessage());
    }

    /** Sends until {@code count} or {@code stop}; records each id by its status. */
    private static void produce(String url, int producer, int count, Set<String> sendOk, Map<String, SendStatus> other,
                                AtomicBoolean stop) {
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer sender = session.createProducer(session.createQueue(QUEUE));
            sender.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < count && !stop.get(); i++) {
                TextMessage message = session.createTextMessage("p" + producer + "-" + i + BODY_PAD);
                try {
                    sender.send(message);
                    sendOk.add(message.getJMSMessageID());
                } catch (SendStatusException e) {
                    other.put(e.getMessageId(), e.getStatus());
                } catch (JMSException e) {
                    return;         // the master died under this send: its outcome is unknown
                }
            }
        } catch (JMSException e) {
            // the connection died with the master
        }
    }

    /** Starts the slave's data directory as a master (fixed roles: the operator's failover) and consumes it all. */
    private static void assertServedAfterRestartAsMaster(Path slaveDir, Set<String> sendOk) throws Exception {
        BrokerProcess promoted = BrokerProcess.start(slaveDir, "promoted");
        Set<String> received = new HashSet<>();
        try (Connection connection = new KeelConnectionFactory(promoted.url()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message message;
            while ((message = consumer.receive(3_000)) != null) {
                received.add(message.getJMSMessageID());
            }
        } finally {
            promoted.stop();
        }
        List<String> lost = new ArrayList<>();
        for (String id : sendOk) {
            if (!received.contains(id)) {
                lost.add(id);
            }
        }
        System.out.printf("HA promoted slave: %d SEND_OK, %d received, %d lost%n", sendOk.size(), received.size(),
                lost.size());
        assertEquals(0, lost.size(), lost.size() + " of " + sendOk.size() + " SEND_OK messages missing on the slave, "
                + "such as " + lost.subList(0, Math.min(5, lost.size())));
    }
}
