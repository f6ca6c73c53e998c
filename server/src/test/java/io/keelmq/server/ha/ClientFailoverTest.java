package io.keelmq.server.ha;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.testing.BrokerProcess;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TransactionRolledBackException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that fail over (issue 18, part 4), against broker child processes on 127.0.0.1: a URL listing several
 * brokers, or one broker with {@code reconnectTimeout}, makes the connection a FailoverProvider's, which reconnects,
 * re-creates what the connection had and resends what was in flight; the application sees no exception.
 */
class ClientFailoverTest {
    private static final String QUEUE = "failover-orders";

    @TempDir
    Path dir;

    @Test
    void aBrokerSigkilledAndRestartedUnderAProducerAndAConsumerLosesNoSendOkMessage() throws Exception {
        Path brokerDir = dir.resolve("b");
        BrokerProcess broker = BrokerProcess.start(brokerDir, "first", "--deliveryMarkChunk=50");
        int port = broker.address().getPort();
        String url = "keel://127.0.0.1:" + port + "?reconnectTimeout=90000";
        List<Throwable> seenByApplication = new CopyOnWriteArrayList<>();
        Set<String> sendOk = ConcurrentHashMap.newKeySet();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        List<String> unmarkedDuplicates = new CopyOnWriteArrayList<>();
        AtomicBoolean stopProducing = new AtomicBoolean();
        AtomicBoolean stopConsuming = new AtomicBoolean();
        BrokerProcess restarted = null;
        try (Connection producing = connect(url, seenByApplication);
             Connection consuming = connect(url, seenByApplication)) {
            Session sendSession = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = sendSession.createProducer(sendSession.createQueue(QUEUE));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            Session receiveSession = consuming.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = receiveSession.createConsumer(receiveSession.createQueue(QUEUE));
            consuming.start();
            Thread producerThread = new Thread(() -> {
                try {
                    for (int i = 0; !stopProducing.get(); i++) {
                        TextMessage message = sendSession.createTextMessage("m-" + i);
                        producer.send(message);
                        sendOk.add(message.getJMSMessageID());   // a send that returns was answered SEND_OK
                    }
                } catch (Throwable e) {
                    seenByApplication.add(e);
                }
            }, "failover-producer");
            Thread consumerThread = new Thread(() -> {
                try {
                    while (!stopConsuming.get()) {
                        Message message = consumer.receive(200);
                        if (message != null) {
                            Integer before = received.merge(message.getJMSMessageID(), 1, Integer::sum);
                            if (before > 1 && !message.getJMSRedelivered()) {
                                unmarkedDuplicates.add(message.getJMSMessageID());
                            }
                        }
                    }
                } catch (Throwable e) {
                    seenByApplication.add(e);
                }
            }, "failover-consumer");
            producerThread.start();
            consumerThread.start();
            awaitSize(sendOk, 300, "sends before the kill");
            broker.kill();
            int beforeRestart = sendOk.size();
            restarted = BrokerProcess.start(brokerDir, "second", "--deliveryMarkChunk=50", "--listenPort=" + port);
            awaitSize(sendOk, beforeRestart + 300, "sends after the restart");
            stopProducing.set(true);
            producerThread.join(60_000);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!received.keySet().containsAll(sendOk) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            stopConsuming.set(true);
            consumerThread.join(30_000);
        } finally {
            stopProducing.set(true);
            stopConsuming.set(true);
            broker.process().destroyForcibly();
            if (restarted != null) {
                restarted.process().destroyForcibly();
            }
        }
        List<String> lost = new ArrayList<>(sendOk);
        lost.removeAll(received.keySet());
        long redelivered = received.values().stream().filter(n -> n > 1).count();
        System.out.printf("client failover, broker SIGKILL and restart: %d SEND_OK, %d received, %d lost, %d more "
                + "than once%n", sendOk.size(), received.size(), lost.size(), redelivered);
        assertEquals(List.of(), seenByApplication, "the application saw no exception");
        assertEquals(List.of(), lost, lost.size() + " of " + sendOk.size() + " SEND_OK messages lost");
        assertEquals(List.of(), unmarkedDuplicates, "a message delivered again carries JMSRedelivered");
    }

    @Test
    void aDownBrokerAndASlaveFirstInTheUrlLeadTheConnectionToTheMaster() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        try {
            ReplicationTest.awaitInSync(master.url());
            awaitSlaveKnowsMaster(slave.url(), master.address().getPort());
            String url = "keel://127.0.0.1:" + unusedPort() + ",127.0.0.1:" + slave.address().getPort() + ",127.0.0.1:"
                    + master.address().getPort();
            List<Throwable> seen = new CopyOnWriteArrayList<>();
            try (Connection connection = connect(url, seen)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                // CREATE_CONSUMER is the first request a slave refuses (NOT_MASTER, naming its master).
                MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
                TextMessage sent = session.createTextMessage("through the master");
                producer.send(sent);
                connection.start();
                Message got = consumer.receive(10_000);
                assertNotNull(got);
                assertEquals(sent.getJMSMessageID(), got.getJMSMessageID());
            }
            assertEquals(List.of(), seen);
            // A message sent straight to the master...
            try (Connection direct = new KeelConnectionFactory(master.url()).createConnection()) {
                Session session = direct.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
                producer.send(session.createTextMessage("direct"));
            }
            // ...is found by a connection whose first broker is the slave: its first send is redirected to the master.
            try (Connection connection = connect("keel://127.0.0.1:" + slave.address().getPort() + ",127.0.0.1:"
                    + master.address().getPort(), seen)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
                producer.send(session.createTextMessage("producer only"));
                MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
                connection.start();
                Set<String> texts = new java.util.HashSet<>();
                for (int i = 0; i < 2; i++) {
                    Message got = consumer.receive(10_000);
                    assertNotNull(got, "message " + i + " of the master's two");
                    texts.add(((TextMessage) got).getText());
                }
                assertEquals(Set.of("direct", "producer only"), texts);
            }
            assertEquals(List.of(), seen);
        } finally {
            master.process().destroyForcibly();
            slave.process().destroyForcibly();
        }
    }

    @Test
    void aTransactionInFlightRollsBackAndOnlyAnUnreachableBrokerReachesTheExceptionListener() throws Exception {
        Path brokerDir = dir.resolve("b");
        BrokerProcess broker = BrokerProcess.start(brokerDir, "first");
        int port = broker.address().getPort();
        BrokerProcess restarted = null;
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        List<JMSException> heardByShortLived = new CopyOnWriteArrayList<>();
        CountDownLatch shortLivedHeard = new CountDownLatch(1);
        try (Connection connection = connect("keel://127.0.0.1:" + port + "?reconnectTimeout=90000", seen)) {
            Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
            MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
            producer.send(session.createTextMessage("in the transaction cut by the failover"));
            broker.kill();
            restarted = BrokerProcess.start(brokerDir, "second", "--listenPort=" + port);
            assertThrows(TransactionRolledBackException.class, session::commit);
            producer.send(session.createTextMessage("committed after the failover"));
            session.commit();
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message first = consumer.receive(10_000);
            assertNotNull(first);
            assertEquals("committed after the failover", ((TextMessage) first).getText());
            session.commit();
            assertNull(consumer.receive(1_000), "the rolled-back send was not stored");

            // A second connection that gives up after 1.5 s: only it hears, once the broker is gone for good.
            Connection shortLived = new KeelConnectionFactory("keel://127.0.0.1:" + port + "?reconnectTimeout=1500")
                    .createConnection();
            shortLived.setExceptionListener(e -> {
                heardByShortLived.add(e);
                shortLivedHeard.countDown();
            });
            shortLived.createSession(false, Session.AUTO_ACKNOWLEDGE);
            restarted.kill();
            assertTrue(shortLivedHeard.await(60, TimeUnit.SECONDS), "the ExceptionListener heard of the loss");
            assertTrue(heardByShortLived.get(0).getMessage().contains("reconnectTimeout 1500 ms"),
                    heardByShortLived.get(0).getMessage());
            shortLived.close();
        } finally {
            broker.process().destroyForcibly();
            if (restarted != null) {
                restarted.process().destroyForcibly();
            }
        }
        assertEquals(1, heardByShortLived.size());
        assertEquals(List.of(), seen, "the long reconnectTimeout connection heard nothing while the broker came back");
    }

    @Test
    void retryAnotherBrokerWhenNotStoreOkResendsASlaveNotAvailableSendToAnotherMaster() throws Exception {
        BrokerProcess master = BrokerProcess.start(dir.resolve("m"), "master", "--brokerRole=SYNC_MASTER",
                "--syncFlushTimeout=2000");
        BrokerProcess slave = BrokerProcess.start(dir.resolve("s"), "slave", "--brokerRole=SLAVE",
                "--haMasterAddress=" + master.haAddress());
        BrokerProcess other = BrokerProcess.start(dir.resolve("o"), "other-master");
        List<String> sentAfterKill = new ArrayList<>();
        try {
            ReplicationTest.awaitInSync(master.url());
            String url = "keel://127.0.0.1:" + master.address().getPort() + ",127.0.0.1:" + other.address().getPort()
                    + "?retryAnotherBrokerWhenNotStoreOK=true";
            List<Throwable> seen = new CopyOnWriteArrayList<>();
            try (Connection connection = connect(url, seen)) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE));
                producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                TextMessage before = session.createTextMessage("before");
                producer.send(before);      // SEND_OK from the SYNC_MASTER with its slave in sync
                slave.kill();
                for (int i = 0; i < 20; i++) {
                    TextMessage message = session.createTextMessage("after-" + i);
                    producer.send(message); // no SendStatusException: a non-OK status was resent elsewhere
                    sentAfterKill.add(message.getJMSMessageID());
                }
            }
            assertEquals(List.of(), seen);
            Set<String> onOther = drain(other.url());
            Set<String> onMaster = drain(master.url());
            // Every send after the slave's death ended SEND_OK on the other master, with its first message id.
            assertTrue(onOther.containsAll(sentAfterKill), "on the other master: " + onOther);
            // The send the first master answered SLAVE_NOT_AVAILABLE was stored there too: another broker group
            // does not know it, so the resend is a second copy (as with RocketMQ's option).
            List<String> onBoth = new ArrayList<>(sentAfterKill);
            onBoth.retainAll(onMaster);
            System.out.printf("retryAnotherBrokerWhenNotStoreOK: %d on the other master, %d of them also on the "
                    + "first%n", onOther.size(), onBoth.size());
            assertEquals(1, onBoth.size(), "exactly the send that moved the connection is on both masters");
        } finally {
            master.process().destroyForcibly();
            slave.process().destroyForcibly();
            other.process().destroyForcibly();
        }
    }

    @Test
    void aDurableSubscriberIsAttachedAgainAfterItsBrokerIsSigkilledAndRestarted() throws Exception {
        Path brokerDir = dir.resolve("b");
        BrokerProcess broker = BrokerProcess.start(brokerDir, "first");
        int port = broker.address().getPort();
        String url = "keel://127.0.0.1:" + port + "?reconnectTimeout=90000";
        BrokerProcess restarted = null;
        List<Throwable> seen = new CopyOnWriteArrayList<>();
        Set<String> sent = new java.util.LinkedHashSet<>();
        Map<String, Integer> received = new ConcurrentHashMap<>();
        List<String> unmarkedDuplicates = new ArrayList<>();
        try (Connection subscribing = connect(url + "&clientID=failover-audit", seen);
             Connection producing = connect(url, seen)) {
            Session subSession = subscribing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer subscriber = subSession.createDurableSubscriber(subSession.createTopic("failover-prices"),
                    "audit");
            subscribing.start();
            Session sendSession = producing.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = sendSession.createProducer(sendSession.createTopic("failover-prices"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 0; i < 20; i++) {
                TextMessage message = sendSession.createTextMessage("before-" + i);
                producer.send(message);
                sent.add(message.getJMSMessageID());
            }
            receiveInto(subscriber, received, unmarkedDuplicates, 20);
            broker.kill();
            restarted = BrokerProcess.start(brokerDir, "second", "--listenPort=" + port);
            for (int i = 0; i < 20; i++) {
                TextMessage message = sendSession.createTextMessage("after-" + i);
                producer.send(message);
                sent.add(message.getJMSMessageID());
            }
            long deadline = System.currentTimeMillis() + 30_000;
            while (!received.keySet().containsAll(sent) && System.currentTimeMillis() < deadline) {
                receiveInto(subscriber, received, unmarkedDuplicates, 1);
            }
        } finally {
            broker.process().destroyForcibly();
            if (restarted != null) {
                restarted.process().destroyForcibly();
            }
        }
        List<String> missing = new ArrayList<>(sent);
        missing.removeAll(received.keySet());
        assertEquals(List.of(), missing, "messages of the durable subscription not received");
        assertEquals(List.of(), unmarkedDuplicates, "a message delivered again carries JMSRedelivered");
        assertEquals(List.of(), seen);
    }

    private static void receiveInto(MessageConsumer consumer, Map<String, Integer> received, List<String> unmarked,
                                    int count) throws JMSException {
        for (int i = 0; i < count; i++) {
            Message message = consumer.receive(10_000);
            assertNotNull(message, "message " + i + " of " + count);
            if (received.merge(message.getJMSMessageID(), 1, Integer::sum) > 1 && !message.getJMSRedelivered()) {
                unmarked.add(message.getJMSMessageID());
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static Connection connect(String url, List<Throwable> exceptions) throws JMSException {
        Connection connection = new KeelConnectionFactory(url).createConnection();
        connection.setExceptionListener(exceptions::add);
        return connection;
    }

    private static void awaitSize(Set<String> set, int size, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (set.size() < size && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(set.size() >= size, what + ": " + set.size() + " of " + size);
    }

    private static int unusedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Waits until the slave's NOT_MASTER names the master's client port (it learns it from the master). */
    private static void awaitSlaveKnowsMaster(String slaveUrl, int masterPort) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        String last = null;
        while (System.currentTimeMillis() < deadline) {
            try (Connection connection = new KeelConnectionFactory(slaveUrl).createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("probe"));
                throw new AssertionError("a slave took a send");
            } catch (JMSException e) {
                last = e.getMessage();
                if (last.contains("master at 127.0.0.1:" + masterPort + ";")) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the slave never named its master: " + last);
    }

    /** Every message id left on the queue of the broker at {@code url} (a plain connection). */
    private static Set<String> drain(String url) throws JMSException {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        try (Connection connection = new KeelConnectionFactory(url).createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(QUEUE));
            connection.start();
            Message message;
            while ((message = consumer.receive(2_000)) != null) {
                ids.add(message.getJMSMessageID());
            }
        }
        return ids;
    }
}
