package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelTransactionalProducer;
import io.keelmq.jms.LocalTransactionState;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.testing.BrokerProcess;
import io.keelmq.server.testing.OrderDatabase;
import io.keelmq.server.testing.OrderProducerProcess;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transactional producers survive SIGKILL at every step (issue 17, point 4), each case counting every message
 * afterwards: every order whose local transaction committed (its row is in the producers' H2 database) is delivered
 * exactly once, and no order whose local transaction rolled back or never ran is delivered.
 * <ul>
 * <li>the broker's JVM killed after half messages were stored and before their decision, and killed during the
 * decision (producers in this JVM, the broker a child process);</li>
 * <li>the producer's JVM killed after its local transaction committed and before the decision: a second producer
 * instance of the group answers the check-back from the database;</li>
 * <li>the producer's JVM killed before its local transaction committed: the check-back answers ROLLBACK.</li>
 * </ul>
 */
class TransactionalProducerCrashTest {
    private static final String GROUP = "order-service";
    private static final String[] CHECK_FAST = {"--transactionCheckInterval=200", "--transactionTimeOut=500"};

    @TempDir
    Path dir;

    /** Where the broker dies: producers inside their local transaction (half stored), or inside the decision. */
    enum KillPoint { BEFORE_DECISION, DURING_DECISION }

    /** Where one order is; the test aims the kill at orders in LOCAL or DECIDING. */
    private enum Step { STORING_HALF, LOCAL, DECIDING, DONE }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void brokerKilledBetweenHalfAndDecisionLosesNoCommittedOrderAndDeliversNoOther(KillPoint point) throws Exception {
        String jdbcUrl = "jdbc:h2:mem:orders-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Map<String, Step> orders = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<String> args = new ArrayList<>(List.of("--flushDiskType=SYNC_FLUSH"));
        args.addAll(List.of(CHECK_FAST));
        BrokerProcess first = BrokerProcess.start(dir, "first", args.toArray(String[]::new));
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            int producer = p;
            producers.add(new Thread(() -> produce(first.url(), jdbcUrl, producer, point, orders, stop),
                    "tx-producer-" + p));
        }
        try (OrderDatabase ignoredKeepsTheDatabase = new OrderDatabase(jdbcUrl)) {
            producers.forEach(Thread::start);
            long deadline = System.currentTimeMillis() + 30_000;
            while (count(orders, Step.DONE) < 30 && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            Step aim = point == KillPoint.BEFORE_DECISION ? Step.LOCAL : Step.DECIDING;
            long aimUntil = System.currentTimeMillis() + 2_000;
            while (!orders.containsValue(aim) && System.currentTimeMillis() < aimUntil) {
                Thread.onSpinWait();
            }
            if (point == KillPoint.DURING_DECISION) {
                Thread.sleep(ThreadLocalRandom.current().nextInt(3)); // before, in or after the decision's force
            }
            Map<Step, Long> atKill = census(orders);
            first.kill();
            stop.set(true);
            for (Thread producer : producers) {
                producer.join(30_000);
            }
            assertTrue(count(orders, Step.DONE) >= 30, "load ran before the kill: " + atKill);

            BrokerProcess second = BrokerProcess.start(dir, "second", args.toArray(String[]::new));
            try (OrderDatabase database = new OrderDatabase(jdbcUrl)) {
                Set<String> committed = database.all();
                Map<String, Integer> delivered = deliveredAfterCheckBacks(second.url(), database, committed.size());
                assertEveryCommittedOnceAndNoOther(orders.keySet(), committed, delivered);
                System.out.printf("transactional producer, broker killed %s: %d orders, %d committed locally, at the "
                        + "kill %s%n", point, orders.size(), committed.size(), atKill);
            } finally {
                second.stop();
            }
        }
    }

    /**
     * Producer {@code p} sends order "p-k" with a local transaction that inserts its row and commits, except every
     * fourth, which it rolls back; before the decision's kill point it dawdles in the local transaction.
     */
    private static void produce(String url, String jdbcUrl, int p, KillPoint point, Map<String, Step> orders,
                                AtomicBoolean stop) {
        try (OrderDatabase database = new OrderDatabase(jdbcUrl);
             Connection connection = new KeelConnectionFactory(url).createConnection()) {
            KeelSession session = (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            KeelTransactionalProducer producer = session.createTransactionalProducer(session.createQueue("orders"),
                    GROUP, database.checker());
            for (int k = 0; !stop.get(); k++) {
                String orderId = p + "-" + k;
                boolean rollBack = k % 4 == 3;
                orders.put(orderId, Step.STORING_HALF);
                TextMessage message = session.createTextMessage("order " + orderId);
                message.setStringProperty("orderId", orderId);
                producer.send(message, sent -> {
                    orders.put(orderId, Step.LOCAL);
                    database.insert(orderId);
                    if (point == KillPoint.BEFORE_DECISION) {
                        Thread.sleep(5);
                    }
                    if (rollBack) {
                        database.rollback();
                        orders.put(orderId, Step.DECIDING);
                        return LocalTransactionState.ROLLBACK;
                    }
                    database.commit();
                    orders.put(orderId, Step.DECIDING);
                    return LocalTransactionState.COMMIT;
                });
                orders.put(orderId, Step.DONE);
            }
        } catch (Exception e) {
            // The broker died under this producer: the order it was sending is counted by its row, or its absence.
        }
    }

    @Test
    void producerKilledAfterItsLocalCommitIsAnsweredForByASecondInstance() throws Exception {
        Set<String> delivered = producerKilledThenCheckedBack("after-local-commit");
        assertEquals(expectedOrders(6), delivered);
    }

    @Test
    void producerKilledBeforeItsLocalCommitIsRolledBackByTheCheckBack() throws Exception {
        Set<String> delivered = producerKilledThenCheckedBack("before-local-commit");
        assertEquals(expectedOrders(5), delivered, "order-5's local transaction never committed");
    }

    /**
     * A producer process sends orders 0 to 4, then order 5 stops as {@code mode} says and is killed there; a second
     * instance of the group (in this JVM, over the same database file) answers the check-back. Returns the orders
     * delivered, each checked to be delivered once.
     */
    private Set<String> producerKilledThenCheckedBack(String mode) throws Exception {
        String jdbcUrl = "jdbc:h2:file:" + dir.resolve("orders").toAbsolutePath() + ";FILE_LOCK=NO;WRITE_DELAY=0";
        try (Broker broker = Broker.start(TestBrokers.config(dir.resolve("broker"))
                .set(ConfigKeys.FLUSH_DISK_TYPE, io.keelmq.store.FlushDiskType.SYNC_FLUSH)
                .set(ConfigKeys.TRANSACTION_CHECK_INTERVAL, 200L).set(ConfigKeys.TRANSACTION_TIME_OUT, 500L).build())) {
            String url = "keel://127.0.0.1:" + broker.listenAddress().getPort();
            OrderProducerProcess producer = OrderProducerProcess.start(dir, "producer", url, jdbcUrl, "orders",
                    GROUP, "5", mode);
            String stoppedAt;
            try {
                stoppedAt = producer.awaitStopped();
            } finally {
                producer.kill();
            }
            assertEquals("order-5", stoppedAt);
            assertEquals(1, broker.producerTransactions().list().size(), "order-5's half awaits its decision");
            try (OrderDatabase database = new OrderDatabase(jdbcUrl)) {
                Set<String> committed = database.all();
                Map<String, Integer> delivered = deliveredAfterCheckBacks(url, database, committed.size());
                long deadline = System.currentTimeMillis() + 20_000;
                while (!broker.producerTransactions().list().isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(20);
                }
                assertEquals(List.of(), broker.producerTransactions().list(), "the check-back decided order-5");
                assertEveryCommittedOnceAndNoOther(expectedOrders(6), committed, delivered);
                return delivered.keySet();
            }
        }
    }

    private static Set<String> expectedOrders(int count) {
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            ids.add("order-" + i);
        }
        return ids;
    }

    /**
     * A second producer instance of the group answers check-backs from {@code database} while a consumer drains the
     * queue: until {@code expected} orders arrived (at most 30 s), then until 1 s passes without one.
     */
    private static Map<String, Integer> deliveredAfterCheckBacks(String url, OrderDatabase database, int expected)
            throws JMSException {
        Map<String, Integer> delivered = new TreeMap<>();
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            KeelSession session = (KeelSession) connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createTransactionalProducer(session.createQueue("orders"), GROUP, database.checker());
            MessageConsumer consumer = session.createConsumer(session.createQueue("orders"));
            connection.start();
            long deadline = System.currentTimeMillis() + 30_000;
            while (delivered.size() < expected && System.currentTimeMillis() < deadline) {
                receiveInto(consumer.receive(200), delivered);
            }
            Message message;
            while ((message = consumer.receive(1_000)) != null) {
                receiveInto(message, delivered);
            }
        }
        return delivered;
    }

    private static void receiveInto(Message message, Map<String, Integer> delivered) throws JMSException {
        if (message != null) {
            delivered.merge(message.getStringProperty("orderId"), 1, Integer::sum);
        }
    }

    private static void assertEveryCommittedOnceAndNoOther(Set<String> sent, Set<String> committed,
                                                           Map<String, Integer> delivered) {
        List<String> lost = new ArrayList<>();
        List<String> twice = new ArrayList<>();
        List<String> notCommitted = new ArrayList<>();
        for (Map.Entry<String, Integer> order : delivered.entrySet()) {
            if (!committed.contains(order.getKey())) {
                notCommitted.add(order.getKey());
            } else if (order.getValue() > 1) {
                twice.add(order.getKey());
            }
        }
        for (String id : committed) {
            if (!delivered.containsKey(id)) {
                lost.add(id);
            }
        }
        assertTrue(sent.containsAll(committed), "rows of orders nobody sent");
        assertEquals(List.of(), lost, "orders whose local transaction committed were lost");
        assertEquals(List.of(), twice, "orders delivered more than once");
        assertEquals(List.of(), notCommitted, "orders whose local transaction did not commit were delivered");
    }

    private static long count(Map<String, Step> orders, Step step) {
        return orders.values().stream().filter(step::equals).count();
    }

    private static Map<Step, Long> census(Map<String, Step> orders) {
        Map<Step, Long> census = new HashMap<>();
        for (Step step : orders.values()) {
            census.merge(step, 1L, Long::sum);
        }
        return census;
    }
}
