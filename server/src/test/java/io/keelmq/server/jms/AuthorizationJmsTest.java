package io.keelmq.server.jms;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.server.Broker;
import io.keelmq.server.admin.DestinationSummary;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import io.keelmq.server.testing.TestClient;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-destination permissions through the real client: a broker with authenticationEnabled, a users file giving
 * roles and an authorizationFile granting permissions to them.
 */
class AuthorizationJmsTest extends JmsTestBase {
    static final List<String> RULES = List.of(
            "# permissions of the test users",
            "grant send on orders.* to app",
            "grant consume on orders.* to app,reader",
            "grant consume,browse on orders.# to reader,admin",
            "deny consume on orders.secret",
            "grant createDurableSubscription on events.# to subscriber",
            "grant consume on events.# to subscriber,app",
            "grant send on events.# to app",
            "grant send,consume,browse,createDurableSubscription,manage on # to admin");

    private boolean populateUserId;

    Path usersFile() {
        return dir.resolve("users");
    }

    Path authorizationFile() {
        return dir.resolve("authorization");
    }

    @Override
    BrokerConfig.Builder brokerConfig() {
        try {
            if (!Files.exists(usersFile())) {
                // alice sends and consumes orders, bob reads them, erin subscribes to events, carol administers,
                // dave has no role at all.
                UsersFile.write(usersFile(), List.of(user("alice", "app"), user("bob", "reader"),
                        user("erin", "subscriber"), user("carol", "admin"), user("dave")));
                writeAtomically(authorizationFile(), RULES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return super.brokerConfig().set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, usersFile())
                .set(ConfigKeys.AUTHORIZATION_FILE, authorizationFile())
                .set(ConfigKeys.POPULATE_JMSX_USER_ID, populateUserId);
    }

    static UserEntry user(String name, String... roles) {
        return new UserEntry(name, PasswordHash.create((name + "-pw").toCharArray()), List.of(roles));
    }

    /** Replaces the file the way an editor or a tool does (new file, renamed over), so the broker sees a change. */
    static void writeAtomically(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    Connection login(String user) throws JMSException {
        Connection connection = track(factory().createConnection(user, user + "-pw"));
        connection.start();
        return connection;
    }

    JMSContext context(String user) throws JMSException {
        return factory().createContext(user, user + "-pw");
    }

    static void denied(Executable action) {
        JMSSecurityException e = assertThrows(JMSSecurityException.class, action);
        assertEquals("SECURITY", e.getErrorCode());
    }

    static void deniedRuntime(Executable action) {
        JMSSecurityRuntimeException e = assertThrows(JMSSecurityRuntimeException.class, action);
        assertEquals("SECURITY", e.getErrorCode());
    }

    /** What carol (admin) finds on a queue without consuming it. */
    List<String> browseAsAdmin(String queue) throws JMSException {
        Session session = login("carol").createSession();
        QueueBrowser browser = session.createBrowser(session.createQueue(queue));
        return Collections.list(browser.getEnumeration()).stream().map(m -> {
            try {
                return ((TextMessage) m).getText();
            } catch (JMSException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void sendNeedsSendAndConsumeNeedsConsumeInTheClassicApi() throws Exception {
        Session bob = login("bob").createSession();
        Queue orders = bob.createQueue("orders.eu");
        JMSSecurityException refused = assertThrows(JMSSecurityException.class, () -> bob.createProducer(orders));
        assertTrue(refused.getMessage().contains("user 'bob' is not allowed to send on queue 'orders.eu'"),
                refused.getMessage());

        Session alice = login("alice").createSession();
        alice.createProducer(orders).send(alice.createTextMessage("from alice"));
        denied(() -> alice.createConsumer(alice.createQueue("billing")));

        MessageConsumer consumer = bob.createConsumer(orders);
        assertEquals("from alice", ((TextMessage) consumer.receive(5_000)).getText());
    }

    @Test
    void sendNeedsSendAndConsumeNeedsConsumeInTheSimplifiedApi() throws Exception {
        try (JMSContext bob = context("bob"); JMSContext alice = context("alice")) {
            Queue orders = bob.createQueue("orders.eu");
            deniedRuntime(() -> bob.createProducer().send(orders, "from bob"));
            deniedRuntime(() -> alice.createConsumer(alice.createQueue("billing")));
            alice.createProducer().send(orders, "from alice");
            assertEquals("from alice", bob.createConsumer(orders).receiveBody(String.class, 5_000));
        }
        assertEquals(List.of(), browseAsAdmin("orders.eu"), "bob's refused message was not stored");
    }

    @Test
    void anonymousProducerIsRefusedAtSendAndNothingIsStored() throws Exception {
        Session bob = login("bob").createSession();
        MessageProducer anonymous = bob.createProducer(null);
        Queue orders = bob.createQueue("orders.eu");
        denied(() -> anonymous.send(orders, bob.createTextMessage("persistent")));
        // A NON_PERSISTENT send travels one way: nobody is told, but the broker stores nothing either.
        anonymous.send(orders, bob.createTextMessage("non-persistent"), DeliveryMode.NON_PERSISTENT, 4, 0);

        Session alice = login("alice").createSession();
        alice.createProducer(null).send(orders, alice.createTextMessage("allowed"));
        assertEquals(List.of("allowed"), browseAsAdmin("orders.eu"));
    }

    @Test
    void browseNeedsBrowse() throws Exception {
        Session alice = login("alice").createSession();
        Queue orders = alice.createQueue("orders.eu");
        alice.createProducer(orders).send(alice.createTextMessage("m"));
        denied(() -> alice.createBrowser(orders));
        try (JMSContext context = context("alice")) {
            deniedRuntime(() -> context.createBrowser(orders));
        }
        Session bob = login("bob").createSession();
        QueueBrowser browser = bob.createBrowser(orders);
        assertEquals(1, Collections.list(browser.getEnumeration()).size());
    }

    @Test
    void durableSubscriptionsNeedCreateDurableSubscription() throws Exception {
        Connection aliceConnection = track(factory().createConnection("alice", "alice-pw"));
        aliceConnection.setClientID("alice-client");
        aliceConnection.start();
        Session alice = aliceConnection.createSession();
        Topic events = alice.createTopic("events.shipped");
        denied(() -> alice.createDurableConsumer(events, "alice-sub"));
        denied(() -> alice.createSharedDurableConsumer(events, "alice-shared"));
        try (JMSContext context = context("alice")) {
            deniedRuntime(() -> context.createSharedDurableConsumer(events, "alice-shared"));
        }
        MessageConsumer plain = alice.createConsumer(events);   // consume alone is enough for a non-durable one

        Session erin = login("erin").createSession();
        MessageConsumer durable = erin.createSharedDurableConsumer(events, "erin-sub");
        alice.createProducer(events).send(alice.createTextMessage("shipped"));
        assertEquals("shipped", ((TextMessage) durable.receive(5_000)).getText());
        assertEquals("shipped", ((TextMessage) plain.receive(5_000)).getText());

        // Removing a durable subscription takes the same permission as creating one.
        durable.close();
        Session aliceWithoutClientId = login("alice").createSession();
        denied(() -> aliceWithoutClientId.unsubscribe("erin-sub"));
        erin.unsubscribe("erin-sub");
    }

    @Test
    void wildcardsApplyAndTheMostSpecificPatternWins() throws Exception {
        Session alice = login("alice").createSession();
        Session bob = login("bob").createSession();
        alice.createConsumer(alice.createQueue("orders.eu")).close();               // orders.* (app)
        denied(() -> alice.createConsumer(alice.createQueue("orders.eu.archive"))); // * is exactly one word
        bob.createConsumer(bob.createQueue("orders.eu.archive")).close();           // orders.# (reader)
        bob.createConsumer(bob.createQueue("orders")).close();                      // # matches no word too
        // orders.secret: the exact name beats orders.* and orders.#, and it grants consume to nobody...
        denied(() -> alice.createConsumer(alice.createQueue("orders.secret")));
        denied(() -> bob.createConsumer(bob.createQueue("orders.secret")));
        // ...while sending there is still decided by orders.*, the most specific line naming send.
        alice.createProducer(alice.createQueue("orders.secret")).close();
        // # grants carol everything, where nothing more specific names the permission.
        Session carol = login("carol").createSession();
        carol.createConsumer(carol.createQueue("billing.eu.new")).close();
        denied(() -> carol.createConsumer(carol.createQueue("orders.secret")));
    }

    @Test
    void temporaryDestinationsAreOpenToTheirOwner() throws Exception {
        Session dave = login("dave").createSession();   // no role at all
        TemporaryQueue reply = dave.createTemporaryQueue();
        dave.createProducer(reply).send(dave.createTextMessage("to myself"));
        assertEquals("to myself", ((TextMessage) dave.createConsumer(reply).receive(5_000)).getText());
        denied(() -> dave.createProducer(dave.createQueue("orders.eu")));
    }

    @Test
    void aChangedFileTakesEffectOnTheRunningBroker() throws Throwable {
        Session dave = login("dave").createSession();
        Queue orders = dave.createQueue("orders.eu");
        denied(() -> dave.createProducer(orders));
        Session alice = login("alice").createSession();
        MessageProducer createdWhileAllowed = alice.createProducer(orders);

        List<String> rules = new java.util.ArrayList<>(RULES);
        rules.add("grant send on orders.eu to nobody-yet");   // more specific than orders.*: alice loses send
        writeAtomically(authorizationFile(), rules);
        eventually(() -> denied(() -> alice.createProducer(orders)));
        // every send is checked again: a producer created before the change cannot send any more
        denied(() -> createdWhileAllowed.send(alice.createTextMessage("after the change")));

        List<UserEntry> users = new java.util.ArrayList<>(UsersFile.read(usersFile()).values());
        users.replaceAll(u -> u.name().equals("dave") ? new UserEntry("dave", u.password(), List.of("nobody-yet")) : u);
        UsersFile.write(usersFile(), users);
        eventually(() -> dave.createProducer(orders).close());   // same connection, new role
        dave.createProducer(orders).send(dave.createTextMessage("dave may now"));
        assertEquals(List.of("dave may now"), browseAsAdmin("orders.eu"));

        // A file broken while running is logged and the rules loaded before stay in force.
        writeAtomically(authorizationFile(), List.of("grant send on orders.eu"));
        long until = System.nanoTime() + 1_500_000_000L;   // past the broker's next look at the file
        while (System.nanoTime() < until) {
            dave.createProducer(orders).close();
            denied(() -> alice.createProducer(orders));
            Thread.sleep(50);
        }
    }

    /** Runs {@code check} until it passes: the broker looks at a changed file within half a second. */
    static void eventually(Executable check) throws Throwable {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                check.execute();
                return;
            } catch (AssertionError | JMSException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    @Test
    void creatingQueuesAndTopicsExplicitlyNeedsManage() throws Exception {
        // The JMS API has no call for it: CREATE_DESTINATION is how a tool creates a destination when
        // autoCreateTopicEnable is off.
        Map<String, String> create = Map.of("destinationKind", "QUEUE", "destination", "orders.new");
        try (TestClient dave = rawLogin("dave"); TestClient carol = rawLogin("carol")) {
            Frame refused = dave.request(RequestCode.CREATE_DESTINATION, create, null);
            assertEquals(ErrorCode.SECURITY, TestClient.errorOf(refused));
            assertEquals("user 'dave' is not allowed to manage on queue 'orders.new'", refused.errorMessage());
            assertEquals(List.of(), destinationNames(carol), "nothing was created");

            TestClient.requireOk(carol.request(RequestCode.CREATE_DESTINATION, create, null));
            assertEquals(List.of("orders.new"), destinationNames(carol));
        }
    }

    private TestClient rawLogin(String user) throws IOException {
        TestClient client = TestClient.connect(broker.listenAddress());
        TestClient.requireOk(client.request(RequestCode.HANDSHAKE, Map.of("protocolVersions", "1", "user", user,
                "password", user + "-pw"), null));
        return client;
    }

    private static List<String> destinationNames(TestClient admin) throws IOException {
        Frame answer = TestClient.requireOk(admin.request(RequestCode.ADMIN, Map.of("command", "destination-list"),
                null));
        return DestinationSummary.decode(answer.body()).stream().map(DestinationSummary::name).toList();
    }

    @Test
    void aMalformedLineIsReportedWithItsNumberAtStartUp() throws Exception {
        broker.close();
        writeAtomically(authorizationFile(), List.of("# fine", "grant send on orders.* to app",
                "grant send on orders.* app"));
        ConfigException e = assertThrows(ConfigException.class, () -> Broker.start(brokerConfig().build()));
        assertTrue(e.getMessage().startsWith("bad value '" + authorizationFile() + "' for key authorizationFile: "
                + authorizationFile() + " line 3 is malformed:"), e.getMessage());
        broker = null;
    }

    @Test
    void jmsxUserIdIsPopulatedOnlyWhenConfiguredAndCannotBeForged() throws Exception {
        Session alice = login("alice").createSession();
        Queue orders = alice.createQueue("orders.eu");
        TextMessage forged = alice.createTextMessage("off");
        forged.setStringProperty("JMSXUserID", "mallory");
        alice.createProducer(orders).send(alice.createTextMessage("off"));
        Message received = login("bob").createSession().createConsumer(orders).receive(5_000);
        assertNull(received.getStringProperty("JMSXUserID"), "not populated with populateJMSXUserID=false");

        populateUserId = true;
        restartBroker();
        alice = login("alice").createSession();
        forged = alice.createTextMessage("forged");
        forged.setStringProperty("JMSXUserID", "mallory");
        alice.createProducer(orders).send(forged);
        Session bob = login("bob").createSession();
        MessageConsumer bySelector = bob.createConsumer(orders, "JMSXUserID = 'alice'");
        received = bySelector.receive(5_000);
        assertNotNull(received, "the selector sees the broker's JMSXUserID");
        assertEquals("alice", received.getStringProperty("JMSXUserID"));
        assertEquals("forged", ((TextMessage) received).getText());
    }
}
