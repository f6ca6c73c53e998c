package io.keelmq.server.admin;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel-admin --url ... dlq list|resend|purge} against a running broker with authorization. */
class AdminDeadLetterTest {
    @TempDir
    Path dir;
    private Broker broker;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Path users = dir.resolve("users");
        UsersFile.write(users, List.of(user("carol", "admin"), user("olga", "orders-ops"), user("dave")));
        Path authorization = dir.resolve("authorization");
        Files.write(authorization, List.of(
                "grant send,consume,manage on # to admin",
                "grant manage on orders.# to orders-ops,admin"));
        broker = Broker.start(TestBrokers.config(dir.resolve("data"))
                .set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, users)
                .set(ConfigKeys.AUTHORIZATION_FILE, authorization)
                .set(ConfigKeys.MAX_RECONSUME_TIMES, 0).build());   // dead at the first failure
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    private static UserEntry user(String name, String... roles) {
        return new UserEntry(name, PasswordHash.create((name + "-pw").toCharArray()), List.of(roles));
    }

    private String url() {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    private int dlqAs(String user, String... command) {
        out.reset();
        err.reset();
        String[] args = new String[6 + command.length + 1];
        System.arraycopy(new String[] {"--url", url(), "--user", user, "--password", user + "-pw", "dlq"}, 0, args,
                0, 7);
        System.arraycopy(command, 0, args, 7, command.length);
        return AdminMain.run(args, new ByteArrayInputStream(new byte[0]), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The listing's lines after the header, each split into its columns. */
    private List<List<String>> listed() {
        assertEquals(0, dlqAs("carol", "list", "DLQ.orders"), err.toString(StandardCharsets.UTF_8));
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(List.of("ID", "ORIGINAL", "DELIVERIES", "TIME", "REASON"),
                List.of(lines.get(0).trim().split("\\s+")));
        return lines.subList(1, lines.size()).stream().map(line -> List.of(line.trim().split("\\s+", 5))).toList();
    }

    /** Like {@link #listed()}, but no dead-letter queue yet (its first letter is on the way) lists nothing. */
    private List<List<String>> listedOnceItExists() {
        if (dlqAs("carol", "list", "DLQ.orders") != 0
                && err.toString(StandardCharsets.UTF_8).contains("dead-letter queue 'DLQ.orders' does not exist")) {
            return List.of();
        }
        return listed();
    }

    @Test
    void listsResendsAndPurgesDeadLetters() throws Exception {
        try (Connection connection = new KeelConnectionFactory(url()).createConnection("carol", "carol-pw")) {
            connection.start();
            Session session = connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            Queue orders = session.createQueue("orders");
            MessageProducer producer = session.createProducer(orders);
            TextMessage first = session.createTextMessage("first");
            first.setStringProperty("region", "eu");
            producer.send(first);
            TextMessage second = session.createTextMessage("second");
            producer.send(second);
            MessageConsumer consumer = session.createConsumer(orders);
            assertNotNull(consumer.receive(5_000));
            assertNotNull(consumer.receive(5_000));
            session.recover();   // both fail: maxReconsumeTimes=0 sends them to DLQ.orders

            // Dead-lettering happens after recover() returns, and DLQ.orders exists from its first letter on.
            long deadline = System.currentTimeMillis() + 5_000;
            List<List<String>> letters = List.of();
            while (System.currentTimeMillis() < deadline && (letters = listedOnceItExists()).size() < 2) {
                Thread.sleep(50);
            }
            assertEquals(2, letters.size(), out.toString(StandardCharsets.UTF_8));
            assertEquals(List.of(first.getJMSMessageID(), "queue://orders", "1"), letters.get(0).subList(0, 3));
            assertEquals("maxReconsumeTimes 0 exceeded", letters.get(0).get(4));
            assertEquals(second.getJMSMessageID(), letters.get(1).get(0));
            assertNull(consumer.receive(300), "given up: no redelivery on orders");

            assertEquals(0, dlqAs("carol", "resend", "DLQ.orders", "--id", first.getJMSMessageID()),
                    err.toString(StandardCharsets.UTF_8));
            assertEquals("resent 1 message of DLQ.orders", out.toString(StandardCharsets.UTF_8).trim());
            Message back = consumer.receive(5_000);
            assertNotNull(back, "resend brings it back to orders");
            assertEquals("first", ((TextMessage) back).getText());
            assertEquals(first.getJMSMessageID(), back.getJMSMessageID());
            assertEquals("eu", back.getStringProperty("region"));
            assertEquals(1, back.getIntProperty("JMSXDeliveryCount"), "a fresh delivery count");
            assertFalse(back.propertyExists("JMS_Keel_OriginalDestination"));
            assertEquals("orders", ((Queue) back.getJMSDestination()).getQueueName());
            assertEquals(List.of(second.getJMSMessageID()), listed().stream().map(l -> l.get(0)).toList());

            // failing again, it is a dead letter again (the resent one is gone from DLQ.orders: no false duplicate)
            session.recover();
            deadline = System.currentTimeMillis() + 5_000;
            while (System.currentTimeMillis() < deadline && listed().size() < 2) {
                Thread.sleep(50);
            }
            List<String> ids = listed().stream().map(l -> l.get(0)).toList();
            assertEquals(2, ids.size(), ids.toString());
            assertEquals(java.util.Set.of(first.getJMSMessageID(), second.getJMSMessageID()),
                    new java.util.HashSet<>(ids));

            assertEquals(0, dlqAs("carol", "purge", "DLQ.orders"), err.toString(StandardCharsets.UTF_8));
            assertEquals("purged 2 messages of DLQ.orders", out.toString(StandardCharsets.UTF_8).trim());
            assertEquals(List.of(), listed());
            assertNull(consumer.receive(300), "purged, not resent");
            MessageConsumer dead = session.createConsumer(session.createQueue("DLQ.orders"));
            assertNull(dead.receive(300), "nothing left in DLQ.orders");
        }
    }

    @Test
    void refusedWithoutManageOnTheDeadLetterQueueAndForOtherQueues() {
        assertEquals(1, dlqAs("dave", "list", "DLQ.orders"));
        assertEquals("keel-admin: ADMIN failed with SECURITY: user 'dave' is not allowed to manage on any "
                + "destination", err.toString(StandardCharsets.UTF_8).trim());
        assertEquals(1, dlqAs("olga", "purge", "DLQ.orders"));
        assertEquals("keel-admin: ADMIN failed with SECURITY: user 'olga' is not allowed to manage DLQ.orders",
                err.toString(StandardCharsets.UTF_8).trim());
        assertEquals(1, dlqAs("carol", "list", "orders"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("'orders' is not a dead-letter queue"),
                err.toString());
        assertEquals(1, dlqAs("carol", "resend", "DLQ.nothing"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("dead-letter queue 'DLQ.nothing' does not exist"),
                err.toString());
        assertEquals(2, dlqAs("carol", "purge", "DLQ.orders", "--limit", "0"));
    }
}
