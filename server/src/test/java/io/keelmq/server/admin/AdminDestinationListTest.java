package io.keelmq.server.admin;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code keel-admin --url ... destination list} against a running broker with authorization. */
class AdminDestinationListTest {
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
                "grant manage on orders.# to orders-ops,admin"));   // the most specific line decides: repeat admin
        broker = Broker.start(TestBrokers.config(dir.resolve("data"))
                .set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, users)
                .set(ConfigKeys.AUTHORIZATION_FILE, authorization).build());
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

    private int run(String... args) {
        out.reset();
        err.reset();
        return AdminMain.run(args, new ByteArrayInputStream(new byte[0]), null,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String listAs(String user) {
        return run("--url", url(), "--user", user, "--password", user + "-pw", "destination", "list") == 0
                ? out.toString(StandardCharsets.UTF_8) : null;
    }

    @Test
    void listsDestinationsWithMessageCountsForAUserWithManage() throws Exception {
        try (Connection connection = new KeelConnectionFactory(url()).createConnection("carol", "carol-pw")) {
            connection.start();
            Session session = connection.createSession();
            MessageProducer toQueue = session.createProducer(session.createQueue("orders.eu"));
            for (int i = 0; i < 3; i++) {
                toQueue.send(session.createTextMessage("order " + i));
            }
            MessageConsumer consumer = session.createConsumer(session.createQueue("orders.eu"));
            assertNotNull(consumer.receive(5_000));   // acknowledged (AUTO): 2 of 3 left
            MessageProducer toTopic = session.createProducer(session.createTopic("billing"));
            toTopic.send(session.createTextMessage("invoice"));

            String listing = listAs("carol");
            assertNotNull(listing, err.toString());
            List<String> lines = listing.lines().toList();
            assertEquals(3, lines.size(), listing);
            assertEquals(List.of("KIND", "NAME", "PARTITIONS", "MESSAGES", "CONSUMERS"),
                    List.of(lines.get(0).trim().split("\\s+")));
            assertEquals(List.of("TOPIC", "billing", "4", "1", "0"), List.of(lines.get(1).trim().split("\\s+")));
            assertEquals(List.of("QUEUE", "orders.eu", "4", "2", "1"), List.of(lines.get(2).trim().split("\\s+")));
            assertEquals(3, lines.size());

            // manage on orders.# only: the other destinations are not shown
            String olgas = listAs("olga");
            assertNotNull(olgas, err.toString());
            assertTrue(olgas.contains("orders.eu"), olgas);
            assertFalse(olgas.contains("billing"), olgas);
        }
    }

    @Test
    void refusedWithoutManage() {
        assertEquals(null, listAs("dave"));
        assertEquals("keel-admin: ADMIN failed with SECURITY: user 'dave' is not allowed to manage on any "
                + "destination", err.toString(StandardCharsets.UTF_8).trim());
        assertEquals(1, run("--url", url(), "--user", "carol", "--password", "wrong", "destination", "list"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("HANDSHAKE failed with SECURITY"), err.toString());
        assertEquals(2, run("destination", "list"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--url keel://host:port is required"));
    }
}
