package io.keelmq.ra.it.wildfly;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.ra.it.wildfly.app.ItNames;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import jakarta.jms.XAConnection;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.as.arquillian.api.ServerSetup;
import org.jboss.shrinkwrap.api.spec.ResourceAdapterArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.transaction.xa.XAResource;
import java.net.URL;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keel.rar in WildFly 39 (standalone-full) against a broker child process: message-driven beans, sends in
 * container-managed transactions, a message and a database row in one XA transaction, redelivery and the dead-letter
 * queue, a broker SIGKILLed and restarted under the running application, and one SIGKILLed in a transaction's commit
 * phase (last: they restart the broker).
 */
@ExtendWith(ArquillianExtension.class)
@ServerSetup(KeelOnWildFlySetup.class)
@RunAsClient
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MessagingOnWildFlyIT {
    /** Time for the server to do something asynchronous (deliver, redeliver, reconnect): generous, the machine is shared. */
    private static final long DELIVERY_MILLIS = 60_000;
    /** How long "nothing arrives" is watched, after a later message already arrived. */
    private static final long SILENCE_MILLIS = 1_000;

    @Deployment(name = "rar", order = 1, testable = false)
    static ResourceAdapterArchive rar() {
        return Deployments.keelRar();
    }

    @Deployment(name = "app", order = 2, testable = false)
    static WebArchive app() {
        return Deployments.itApp();
    }

    @ArquillianResource
    @OperateOnDeployment("app")
    URL appUrl;

    private ItClient app;

    @BeforeEach
    void client() {
        app = new ItClient(appUrl);
    }

    private static KeelConnectionFactory broker() throws JMSException {
        return new KeelConnectionFactory(SuiteBroker.running().url());
    }

    @Test
    @Order(1)
    void anMdbWithFourSessionsProcessesEveryMessageOfAPlainClientExactlyOnce() throws Exception {
        int count = 40;
        try (JMSContext context = broker().createContext()) {
            for (int i = 0; i < count; i++) {
                context.createProducer().send(context.createQueue(ItNames.PARALLEL_QUEUE), "p-" + i);
            }
            List<String> forwarded = receiveTexts(context, ItNames.PARALLEL_QUEUE + ".out", count);
            assertEquals(count, new HashSet<>(forwarded).size(), "every message forwarded: " + forwarded);
            try (JMSConsumer out = context.createConsumer(context.createQueue(ItNames.PARALLEL_QUEUE + ".out"))) {
                assertNull(out.receive(SILENCE_MILLIS), "no message forwarded twice");
            }
        }
        for (int i = 0; i < count; i++) {
            assertEquals(1, app.getInt("/it/deliveries", Map.of("queue", ItNames.PARALLEL_QUEUE, "text", "p-" + i)),
                    "deliveries of p-" + i);
        }
        int concurrency = app.getInt("/it/concurrency", Map.of());
        assertTrue(concurrency > 1 && concurrency <= ItNames.PARALLEL_SESSIONS,
                "maxSession=4: deliveries overlapped, on at most four sessions; most at once: " + concurrency);
    }

    @Test
    @Order(2)
    void aStatelessBeanSendsThroughAResourceConnectionFactoryInTheContainersTransaction() throws Exception {
        sendsOnCommitOnly("resource");
    }

    @Test
    @Order(3)
    void aStatelessBeanSendsThroughAnInjectedJmsContextInTheContainersTransaction() throws Exception {
        sendsOnCommitOnly("context");
    }

    private void sendsOnCommitOnly(String via) throws Exception {
        try (JMSContext context = broker().createContext();
             JMSConsumer tx = context.createConsumer(context.createQueue(ItNames.TX_QUEUE))) {
            assertEquals("sent", app.post("/it/send", Map.of("via", via, "text", via + "-commit", "rollback", "false")));
            assertEquals(via + "-commit", tx.receiveBody(String.class, DELIVERY_MILLIS), "committed send delivered");

            assertEquals("sent", app.post("/it/send", Map.of("via", via, "text", via + "-rollback", "rollback", "true")));
            app.post("/it/send", Map.of("via", via, "text", via + "-after", "rollback", "false"));
            assertEquals(via + "-after", tx.receiveBody(String.class, DELIVERY_MILLIS),
                    "the send of a transaction set rollback-only is not delivered; the next committed one is");
            assertNull(tx.receive(SILENCE_MILLIS), "nothing else");
        }
    }

    @Test
    @Order(4)
    void aMessageAndADatabaseRowCommitOrRollBackTogether() throws Exception {
        try (JMSContext context = broker().createContext();
             JMSConsumer orders = context.createConsumer(context.createQueue(ItNames.ORDERS_QUEUE))) {
            assertEquals("committed", app.post("/it/order", Map.of("text", "o-commit", "outcome", "COMMIT")));
            assertEquals("o-commit", orders.receiveBody(String.class, DELIVERY_MILLIS));
            assertEquals(1, rows("o-commit"));

            app.post("/it/order", Map.of("text", "o-rollback-only", "outcome", "SET_ROLLBACK_ONLY"));
            assertEquals(0, rows("o-rollback-only"), "setRollbackOnly: no row");
            String answer = app.post("/it/order", Map.of("text", "o-database-fails", "outcome", "DATABASE_FAILS"));
            assertTrue(answer.startsWith("rolled back"), answer);
            assertEquals(0, rows("o-database-fails"), "the failed insert rolled back the first one too");

            assertEquals("committed", app.post("/it/order", Map.of("text", "o-marker", "outcome", "COMMIT")));
            assertEquals("o-marker", orders.receiveBody(String.class, DELIVERY_MILLIS),
                    "neither rolled-back order's message was delivered");
            assertNull(orders.receive(SILENCE_MILLIS));
            assertEquals(1, rows("o-marker"));
        }
    }

    private int rows(String id) throws Exception {
        return app.getInt("/it/rows", Map.of("text", id));
    }

    @Test
    @Order(5)
    void anMdbThatThrowsGetsTheMessageRedeliveredThenItIsInTheDeadLetterQueue() throws Exception {
        int deliveries = SuiteBroker.POISON_MAX_RECONSUME_TIMES + 1;
        long sentAt = System.currentTimeMillis();
        try (JMSContext context = broker().createContext(JMSContext.CLIENT_ACKNOWLEDGE)) {
            TextMessage poison = context.createTextMessage("poison-1");
            poison.setStringProperty("customer", "c-17");
            context.createProducer().send(context.createQueue(ItNames.POISON_QUEUE), poison);

            try (JMSConsumer dead = context.createConsumer(context.createQueue("DLQ." + ItNames.POISON_QUEUE))) {
                Message letter = dead.receive(DELIVERY_MILLIS);
                assertNotNull(letter, "moved to DLQ." + ItNames.POISON_QUEUE);
                assertEquals("poison-1", letter.getBody(String.class));
                assertEquals(poison.getJMSMessageID(), letter.getJMSMessageID());
                assertEquals("c-17", letter.getStringProperty("customer"));
                assertEquals("queue://" + ItNames.POISON_QUEUE,
                        letter.getStringProperty("JMS_Keel_OriginalDestination"));
                assertEquals("maxReconsumeTimes " + SuiteBroker.POISON_MAX_RECONSUME_TIMES + " exceeded",
                        letter.getStringProperty("JMS_Keel_DeadLetterReason"));
                assertEquals(deliveries, letter.getIntProperty("JMS_Keel_DeliveryCount"));
                long movedAt = letter.getLongProperty("JMS_Keel_DeadLetterTime");
                assertTrue(movedAt >= sentAt && movedAt <= System.currentTimeMillis(), "dead-letter time " + movedAt);
                letter.acknowledge();
            }
        }
        assertEquals(deliveries, app.getInt("/it/deliveries", Map.of("queue", ItNames.POISON_QUEUE,
                "text", "poison-1")), "the bean got the message maxReconsumeTimes + 1 times, each rolled back");
    }

    @Test
    @Order(7)
    void theMdbResumesAfterTheBrokerIsKilledAndRestartedAndNothingAcknowledgedIsLost() throws Exception {
        int perPhase = 20;
        sendNumbered(0, perPhase);
        int seen = app.awaitInt("/it/deliveries-of-all", Map.of("queue", ItNames.RESTART_QUEUE, "text", "r-"),
                n -> n >= 3, 60);
        assertTrue(seen >= 3, "the bean was consuming before the kill: " + seen);

        SuiteBroker.killAndRestart();
        sendNumbered(perPhase, 2 * perPhase);

        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 2 * perPhase; i++) {
            expected.add("r-" + i);
        }
        try (JMSContext context = broker().createContext()) {
            // A delivery whose transaction was in its two phases when the broker died is finished by WildFly's
            // periodic recovery through keel.rar's recovery connection: a branch prepared but not logged by the
            // transaction manager (an orphan) is rolled back and its message redelivered; one the transaction manager
            // decided to commit is committed, forwarded message included. wildfly-arquillian.xml runs recovery every
            // 20 s (WildFly's default is 120 s); the bound covers several periods.
            Set<String> forwarded = new HashSet<>(receiveTexts(context, ItNames.RESTART_QUEUE + ".out",
                    2 * perPhase, 150_000, expected));
            assertEquals(expected, forwarded, "every message the broker acknowledged before and after the kill "
                    + "was consumed by the bean, which reconnected");
        }
    }

    /**
     * The broker dies in the commit phase of a transaction (KeelMQ's branch prepared, the transaction manager's
     * decision logged, the commit not yet sent) and stays down while the transaction manager tries to commit; once it
     * is back, WildFly's periodic recovery commits the branch through keel.rar's recovery connection: the message
     * arrives, once.
     */
    @Test
    @Order(6)
    void aBranchWhoseBrokerDiedInTheCommitPhaseIsCommittedByTheServersRecovery() throws Exception {
        CompletableFuture<String> sending = CompletableFuture.supplyAsync(() -> {
            try {
                return app.post("/it/send-stalled", Map.of("text", "in-doubt-1"));
            } catch (Exception e) {
                return "failed: " + e;
            }
        });
        try {
            assertEquals(1, app.awaitInt("/it/stalled", Map.of(), n -> n == 1, 60),
                    "the transaction reached its commit phase");
            assertEquals(1, preparedBranches(), "KeelMQ's branch is prepared, not committed, when the broker dies");
            int port = SuiteBroker.kill();
            app.post("/it/release", Map.of());
            // The server's commit meets the dead broker (XAER_RMFAIL) and leaves the branch to recovery.
            String outcome = sending.get(90, TimeUnit.SECONDS);
            assertTrue(outcome.startsWith("sent") || outcome.startsWith("rolled back"), outcome);
            SuiteBroker.restart(port);
        } finally {
            app.post("/it/release", Map.of());
        }
        try (JMSContext context = broker().createContext();
             JMSConsumer recovered = context.createConsumer(context.createQueue(ItNames.RECOVERY_QUEUE))) {
            assertEquals("in-doubt-1", recovered.receiveBody(String.class, 150_000),
                    "committed by the server's periodic recovery (every 20 s in the test server)");
            assertNull(recovered.receive(SILENCE_MILLIS), "committed once");
        }
        assertEquals(0, preparedBranches(), "no branch left in doubt on the broker");
    }

    private static int preparedBranches() throws Exception {
        try (XAConnection connection = new KeelXAConnectionFactory(SuiteBroker.running().url()).createXAConnection()) {
            return connection.createXASession().getXAResource()
                    .recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN).length;
        }
    }

    private static void sendNumbered(int from, int to) throws JMSException {
        try (JMSContext context = broker().createContext()) {
            for (int i = from; i < to; i++) {
                context.createProducer().send(context.createQueue(ItNames.RESTART_QUEUE), "r-" + i);
            }
        }
    }

    private static List<String> receiveTexts(JMSContext context, String queue, int count) {
        return receiveTexts(context, queue, count, DELIVERY_MILLIS, null);
    }

    /**
     * Receives until {@code count} messages arrived, or (with {@code distinct}) until all of those texts did, or
     * {@code millis} passed.
     */
    private static List<String> receiveTexts(JMSContext context, String queue, int count, long millis,
                                             Set<String> distinct) {
        List<String> texts = new ArrayList<>();
        Set<String> missing = distinct == null ? new HashSet<>() : new HashSet<>(distinct);
        long deadline = System.currentTimeMillis() + millis;
        try (JMSConsumer consumer = context.createConsumer(context.createQueue(queue))) {
            while ((distinct == null ? texts.size() < count : !missing.isEmpty())
                    && System.currentTimeMillis() < deadline) {
                String text = consumer.receiveBody(String.class, 1_000);
                if (text != null) {
                    texts.add(text);
                    missing.remove(text);
                }
            }
        }
        return texts;
    }
}
