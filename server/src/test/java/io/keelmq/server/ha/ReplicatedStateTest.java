package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerRole;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.persist.AtomicTextFile;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.server.testing.TestClient;
import io.keelmq.store.position.PartitionPosition;
import io.keelmq.store.position.SubscriptionPositions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state stream of the HA channel, between an in-process master and slave: what the slave's files hold after the
 * master's destinations, positions and durable subscriptions change, and what a slave's copy does when it is started
 * as a master (PromotedReplica).
 */
class ReplicatedStateTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void aStateFrameCarriesItsSectionsWhole() {
        List<ReplicatedState.Section> sections = List.of(
                new ReplicatedState.Section(ReplicatedState.POSITIONS, "q 0 1 -\n".getBytes(StandardCharsets.UTF_8)),
                new ReplicatedState.Section(ReplicatedState.SUBSCRIPTIONS, new byte[0]));
        ByteBuf frame = HaFrames.state(ByteBufAllocator.DEFAULT, sections);
        try {
            assertEquals(HaFrames.stateLength(sections), frame.readInt());
            assertEquals(HaFrames.STATE, frame.readByte());
            List<ReplicatedState.Section> read = HaFrames.readState(frame);
            assertEquals(2, read.size());
            assertEquals(ReplicatedState.POSITIONS, read.get(0).name());
            assertArrayEquals(sections.get(0).content(), read.get(0).content());
            assertEquals(0, read.get(1).content().length);
            assertEquals(0, frame.readableBytes());
        } finally {
            frame.release();
        }
    }

    @Test
    void theSlaveTakesTheMastersDestinationsPositionsDurableSubscriptionsAndResourceManagerId() throws Exception {
        // Only the master makes fifo-* queues single-partition: the slave's copy must say 1 partition, the master's
        // word, not the 4 its own configuration would give a queue it learns of from copied records.
        Broker master = start(TestBrokers.config(dir.resolve("m")).set(ConfigKeys.BROKER_ROLE, BrokerRole.SYNC_MASTER)
                .set(ConfigKeys.HA_STATE_SYNC_INTERVAL, 50L)
                .set(ConfigKeys.SINGLE_PARTITION_DESTINATIONS, List.of("fifo-*")).build());
        Broker slave = startSlaveOf(master);
        String url = "keel://127.0.0.1:" + master.listenAddress().getPort();
        Connection connection = new KeelConnectionFactory(url).createConnection();
        open.add(connection);
        connection.setClientID("replicated-client");
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer subscriber = session.createDurableSubscriber(session.createTopic("replicated-prices"), "audit");
        MessageConsumer consumer = session.createConsumer(session.createQueue("fifo-orders"));
        // The queue exists before any message does: only the state stream can tell the slave of it yet.
        await(() -> slaveDestinations(slave).containsKey("fifo-orders"), "the slave learns of the empty queue");
        assertEquals("QUEUE 1", slaveDestinations(slave).get("fifo-orders"));
        await(() -> slaveDurables(slave).contains("audit"), "the slave learns of the durable subscription");

        MessageProducer producer = session.createProducer(null);
        for (int i = 0; i < 10; i++) {
            producer.send(session.createQueue("fifo-orders"), session.createTextMessage("q" + i));
            producer.send(session.createTopic("replicated-prices"), session.createTextMessage("t" + i));
        }
        connection.start();
        Message last = null;
        for (int i = 0; i < 6; i++) {
            last = consumer.receive(10_000);
            assertNotNull(last);
            assertNotNull(subscriber.receive(10_000));
        }
        last.acknowledge();
        await(() -> describe(slave.store().positions()).equals(describe(master.store().positions())),
                "the slave's positions become the master's: " + describe(master.store().positions()));
        assertEquals(6, describe(slave.store().positions()).get("queue/fifo-orders").values().stream()
                .mapToLong(position -> Long.parseLong(position.split("/")[0])).sum());
        assertArrayEquals(Files.readAllBytes(dir.resolve("m/resource-manager-id")),
                Files.readAllBytes(dir.resolve("s/resource-manager-id")), "the slave takes the master's XA RM id");
        assertTrue(slave.ha().statesApplied() > 0);

        subscriber.close();
        session.unsubscribe("audit");
        await(() -> !slaveDurables(slave).contains("audit"), "an unsubscribed durable subscription goes");
        await(() -> slave.store().positions().all().stream().noneMatch(s -> s.name().contains("audit")),
                "and its positions with it");

        consumer.close();
        try (TestClient admin = TestClient.open(master.listenAddress(), null)) {
            TestClient.requireOk(admin.request(RequestCode.DELETE_DESTINATION, Map.of("destinationKind", "QUEUE",
                    "destination", "fifo-orders"), null));
        }
        await(() -> !slaveDestinations(slave).containsKey("fifo-orders"), "a deleted queue goes from the slave");
        assertTrue(slaveDestinations(slave).containsKey("replicated-prices"), "the others stay");
    }

    @Test
    void eachAcknowledgementReachesTheSlaveWithoutWaitingForTheStateTick() throws Exception {
        // A state tick of ten minutes: within this test's bounds only the acknowledgements themselves send positions.
        Broker master = startMaster(600_000L);
        Broker slave = startSlaveOf(master);
        Connection connection = new KeelConnectionFactory("keel://127.0.0.1:" + master.listenAddress().getPort())
                .createConnection();
        open.add(connection);
        Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        MessageConsumer consumer = session.createConsumer(session.createQueue("acked-at-once"));
        MessageProducer producer = session.createProducer(session.createQueue("acked-at-once"));
        for (int i = 0; i < 10; i++) {
            producer.send(session.createTextMessage("m" + i));      // SEND_OK: the slave has it
        }
        await(() -> slaveDestinations(slave).containsKey("acked-at-once"), "the slave learns of the queue");
        connection.start();
        for (int batch = 1; batch <= 2; batch++) {
            Message last = null;
            for (int i = 0; i < 4; i++) {
                last = consumer.receive(10_000);
                assertNotNull(last);
            }
            last.acknowledge();
            int acknowledged = 4 * batch;
            await(() -> acknowledgedOn(slave, "queue/acked-at-once") == acknowledged, () -> "the slave's positions "
                    + "count " + acknowledged + " acknowledged: " + describe(slave.store().positions()));
        }
        assertEquals(describe(master.store().positions()), describe(slave.store().positions()));
    }

    /** Messages of {@code subscription} a broker's positions record as acknowledged (from offset 0). */
    private static long acknowledgedOn(Broker broker, String subscription) {
        return describe(broker.store().positions()).getOrDefault(subscription, Map.of()).values().stream()
                .mapToLong(position -> Long.parseLong(position.split("/")[0])
                        + Long.parseLong(position.split("/")[1])).sum();
    }

    @Test
    void aSlavesCopyStartedAsAMasterRedeliversTheUnacknowledgedMarkedAndNothingAcknowledged() throws Exception {
        Broker master = startMaster(50L);
        Broker slave = startSlaveOf(master);
        assertTrue(PromotedReplica.isReplica(slave.store()), "a slave marks its data directory as a copy");
        List<String> acked = new ArrayList<>();
        try (Connection connection = new KeelConnectionFactory("keel://127.0.0.1:" + master.listenAddress().getPort())
                .createConnection()) {
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("promoted-orders"));
            MessageProducer producer = session.createProducer(session.createQueue("promoted-orders"));
            for (int i = 0; i < 8; i++) {
                producer.send(session.createTextMessage("m" + i));
            }
            connection.start();
            Message last = null;
            for (int i = 0; i < 3; i++) {
                last = consumer.receive(10_000);
                assertNotNull(last);
                acked.add(last.getJMSMessageID());
            }
            last.acknowledge();
        }
        await(() -> describe(slave.store().positions()).equals(describe(master.store().positions())),
                "the slave's positions become the master's");
        slave.close();
        master.close();
        open.clear();

        Broker promoted = start(TestBrokers.config(dir.resolve("s")).build());
        assertFalse(PromotedReplica.isReplica(promoted.store()), "the copy's mark is gone once it is a master");
        List<String> fresh = new ArrayList<>();
        List<String> redelivered = new ArrayList<>();
        try (Connection connection = new KeelConnectionFactory("keel://127.0.0.1:"
                + promoted.listenAddress().getPort()).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue("promoted-orders"));
            connection.start();
            Message message;
            while ((message = consumer.receive(2_000)) != null) {
                (message.getJMSRedelivered() ? redelivered : fresh).add(message.getJMSMessageID());
                assertEquals(2, message.getIntProperty("JMSXDeliveryCount"), "counted as a second delivery");
            }
        }
        assertEquals(List.of(), fresh, "no message of the copy is delivered as new");
        assertEquals(5, redelivered.size(), "the 5 unacknowledged messages: " + redelivered);
        assertTrue(redelivered.stream().noneMatch(acked::contains), "no acknowledged message again");
    }

    // ------------------------------------------------------------------ helpers

    /** A SYNC_MASTER in {@code dir/m} that sends its state every {@code stateSyncMillis}. */
    private Broker startMaster(long stateSyncMillis) throws Exception {
        return start(TestBrokers.config(dir.resolve("m")).set(ConfigKeys.BROKER_ROLE, BrokerRole.SYNC_MASTER)
                .set(ConfigKeys.HA_STATE_SYNC_INTERVAL, stateSyncMillis).build());
    }

    /** A SLAVE of {@code master} in {@code dir/s}. */
    private Broker startSlaveOf(Broker master) throws Exception {
        return start(TestBrokers.config(dir.resolve("s")).set(ConfigKeys.BROKER_ROLE, BrokerRole.SLAVE)
                .set(ConfigKeys.HA_MASTER_ADDRESS, "127.0.0.1:" + master.ha().haAddress().getPort()).build());
    }

    private Broker start(io.keelmq.server.config.BrokerConfig config) throws Exception {
        Broker broker = Broker.start(config);
        open.add(broker);
        return broker;
    }

    /** Subscription → partition → "lowWatermark/acknowledged above". */
    private static Map<String, Map<Integer, String>> describe(SubscriptionPositions positions) {
        Map<String, Map<Integer, String>> out = new TreeMap<>();
        for (SubscriptionPositions.Subscription subscription : positions.all()) {
            Map<Integer, String> partitions = new TreeMap<>();
            for (Map.Entry<Integer, PartitionPosition> entry : subscription.partitions().entrySet()) {
                partitions.put(entry.getKey(), entry.getValue().lowWatermark() + "/"
                        + entry.getValue().ackedAboveCount());
            }
            out.put(subscription.name(), partitions);
        }
        return out;
    }

    /** Name → "KIND partitions" in the slave's destinations file. */
    private static Map<String, String> slaveDestinations(Broker slave) {
        Map<String, String> out = new TreeMap<>();
        for (String[] record : records(slave.store().config().configDir().resolve("destinations"))) {
            out.put(record[0], record[1] + " " + record[2]);
        }
        return out;
    }

    /** Names of the durable subscriptions in the slave's file. */
    private static List<String> slaveDurables(Broker slave) {
        List<String> names = new ArrayList<>();
        for (String[] record : records(slave.store().config().configDir().resolve("subscriptions"))) {
            names.add(record[3]);
        }
        return names;
    }

    private static List<String[]> records(Path file) {
        try {
            return Files.exists(file) ? AtomicTextFile.parse(Files.readAllBytes(file)) : List.of();
        } catch (java.io.IOException e) {
            return List.of();       // replaced while read: the next poll reads it
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        await(condition, () -> what);
    }

    private static void await(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("not within 30 s: " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
