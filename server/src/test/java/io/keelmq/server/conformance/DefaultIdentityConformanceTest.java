package io.keelmq.server.conformance;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import io.keelmq.server.testing.TestBrokers;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.TopicConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.naming.Context;
import javax.naming.InitialContext;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Spec 6.1.2 / 2.4: ConnectionFactory.createConnection() and createContext() without arguments use "the default
 * user identity", which KeelMQ takes from the factory's configuration (URL option, bean property, JNDI binding). The
 * TCK's connection factory tests call them against a broker with authentication on.
 */
class DefaultIdentityConformanceTest {

    @TempDir
    static Path dir;
    static Broker broker;

    @BeforeAll
    static void startBrokerWithAuthentication() throws Exception {
        Path users = dir.resolve("users");
        UsersFile.write(users, List.of(new UserEntry("j2ee", PasswordHash.create("j2ee".toCharArray()),
                List.of("app"))));
        broker = Broker.start(TestBrokers.config(dir.resolve("store"))
                .set(ConfigKeys.AUTHENTICATION_ENABLED, true)
                .set(ConfigKeys.USERS_FILE, users)
                .build());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static String url() {
        return "keel://127.0.0.1:" + broker.listenAddress().getPort();
    }

    /** A connection that the broker accepted, shown by a round trip through a queue. */
    private static void assertWorks(Connection connection) throws Exception {
        try (connection) {
            Session session = connection.createSession();
            Queue queue = session.createQueue("default-identity");
            session.createProducer(queue).send(session.createTextMessage("by default identity"));
            connection.start();
            assertEquals("by default identity",
                    ((TextMessage) session.createConsumer(queue).receive(5_000)).getText());
        }
    }

    private static void assertWorks(JMSContext context) {
        try (context) {
            Queue queue = context.createQueue("default-identity-context");
            context.createProducer().send(queue, "context");
            assertEquals("context", context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
    }

    @Test
    void withoutAnIdentityTheBrokerRefuses() throws Exception {
        KeelConnectionFactory none = new KeelConnectionFactory(url());
        assertThrows(JMSSecurityException.class, none::createConnection);
        assertThrows(JMSSecurityRuntimeException.class, none::createContext);
    }

    @Test
    void urlOptionsGiveTheDefaultIdentity() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory(url() + "?user=j2ee&password=j2ee");
        assertWorks(factory.createConnection());
        assertWorks(factory.createQueueConnection());
        assertWorks(factory.createTopicConnection());
        assertWorks(factory.createContext());
        assertWorks(factory.createContext(JMSContext.CLIENT_ACKNOWLEDGE));
        // Explicit credentials still win over the default identity.
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("j2ee", "wrong"));
    }

    @Test
    void beanPropertiesGiveTheDefaultIdentity() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory(url());
        factory.setUser("j2ee");
        factory.setPassword("j2ee");
        assertWorks(factory.createConnection());
        assertWorks(factory.createContext());
        factory.setPassword("wrong");
        assertThrows(JMSSecurityException.class, factory::createConnection);
    }

    @Test
    void aJndiBindingGivesTheDefaultIdentity() throws Exception {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "io.keelmq.jms.jndi.KeelInitialContextFactory");
        env.put(Context.PROVIDER_URL, url());
        env.put("connectionFactory.MyConnectionFactory", url() + "?user=j2ee&password=j2ee");
        env.put("connectionFactory.MyQueueConnectionFactory", url() + "?user=j2ee&password=j2ee");
        env.put("connectionFactory.MyTopicConnectionFactory", url() + "?user=j2ee&password=j2ee");
        InitialContext jndi = new InitialContext(env);
        try {
            ConnectionFactory factory = (ConnectionFactory) jndi.lookup("MyConnectionFactory");
            assertWorks(factory.createConnection());
            assertWorks(factory.createContext());
            assertWorks(((QueueConnectionFactory) jndi.lookup("MyQueueConnectionFactory")).createQueueConnection());
            assertWorks(((TopicConnectionFactory) jndi.lookup("MyTopicConnectionFactory")).createTopicConnection());
        } finally {
            jndi.close();
        }
    }
}
