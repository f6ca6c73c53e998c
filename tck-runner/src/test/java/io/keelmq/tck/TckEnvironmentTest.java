package io.keelmq.tck;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.JMSSecurityRuntimeException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueConnectionFactory;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicConnection;
import jakarta.jms.TopicConnectionFactory;
import org.junit.jupiter.api.Test;

import javax.naming.InitialContext;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The environment the TCK expects, checked in the default build so that the runner does not rot
 * while the TCK itself is off: the broker the launcher listener started, every JNDI name the TCK
 * looks up, the system properties it reads, and the users it logs in as.
 */
class TckEnvironmentTest {

    private static final List<String> QUEUES = List.of("MY_QUEUE", "MY_QUEUE2", "testQ0", "testQ1", "testQ2",
            "testQueue2", "Q2");
    private static final List<String> TOPICS = List.of("MY_TOPIC", "MY_TOPIC2", "testT0", "testT1", "testT2");

    private final String user = System.getProperty("user");
    private final String password = System.getProperty("password");

    @Test
    void systemPropertiesTheTckReads() {
        assertEquals("j2ee", user);
        assertEquals("j2ee", password);
        assertEquals("javajoe", System.getProperty("authuser"));
        assertEquals("javajoe", System.getProperty("authpassword"));
        assertEquals(10_000L, Long.parseLong(System.getProperty("jms_timeout")));
        assertEquals("standalone", System.getProperty("platform.mode"));
        assertEquals("standalone", System.getProperty("vehicle"));
    }

    /** The connection factory tests call createConnection() and createContext() without arguments. */
    @Test
    void factoriesCarryTheDefaultIdentity() throws Exception {
        InitialContext jndi = new InitialContext();
        ((ConnectionFactory) jndi.lookup("MyConnectionFactory")).createConnection().close();
        ((ConnectionFactory) jndi.lookup("MyConnectionFactory")).createContext().close();
        ((QueueConnectionFactory) jndi.lookup("MyQueueConnectionFactory")).createQueueConnection().close();
        ((TopicConnectionFactory) jndi.lookup("MyTopicConnectionFactory")).createTopicConnection().close();
        try (TopicConnection connection = ((TopicConnectionFactory) jndi.lookup("DURABLE_SUB_CONNECTION_FACTORY"))
                .createTopicConnection()) {
            assertEquals("cts", connection.getClientID());
        }
    }

    @Test
    void everyJndiNameResolvesToItsType() throws Exception {
        InitialContext jndi = new InitialContext();
        assertInstanceOf(ConnectionFactory.class, jndi.lookup("MyConnectionFactory"));
        assertInstanceOf(QueueConnectionFactory.class, jndi.lookup("MyQueueConnectionFactory"));
        assertInstanceOf(TopicConnectionFactory.class, jndi.lookup("MyTopicConnectionFactory"));
        assertInstanceOf(TopicConnectionFactory.class, jndi.lookup("DURABLE_SUB_CONNECTION_FACTORY"));
        for (String name : QUEUES) {
            assertEquals(name, ((Queue) jndi.lookup(name)).getQueueName());
        }
        for (String name : TOPICS) {
            assertEquals(name, ((Topic) jndi.lookup(name)).getTopicName());
        }
    }

    @Test
    void durableSubscriptionFactoryCarriesClientIdCts() throws Exception {
        TopicConnectionFactory factory = (TopicConnectionFactory) new InitialContext()
                .lookup("DURABLE_SUB_CONNECTION_FACTORY");
        try (TopicConnection connection = factory.createTopicConnection(user, password)) {
            assertEquals("cts", connection.getClientID());
        }
    }

    @Test
    void tckUsersLogInAndOthersAreRefused() throws Exception {
        ConnectionFactory factory = (ConnectionFactory) new InitialContext().lookup("MyConnectionFactory");
        for (String[] tckUser : TckBroker.USERS) {
            factory.createConnection(tckUser[0], tckUser[1]).close();
        }
        assertThrows(JMSSecurityException.class, () -> factory.createConnection(user, "wrong-" + password));
        assertThrows(JMSSecurityException.class, () -> factory.createConnection("nobody", "nobody"));
        assertThrows(JMSSecurityRuntimeException.class, () -> factory.createContext(user, "wrong-" + password));
    }

    @Test
    void sendAndReceiveThroughTheTckNames() throws Exception {
        InitialContext jndi = new InitialContext();
        ConnectionFactory factory = (ConnectionFactory) jndi.lookup("MyConnectionFactory");
        Queue queue = (Queue) jndi.lookup("testQ0");
        try (Connection connection = factory.createConnection(user, password)) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(queue);
            connection.start();
            session.createProducer(queue).send(session.createTextMessage("tck environment"));
            TextMessage received = (TextMessage) consumer.receive(10_000);
            assertNotNull(received, "message sent to testQ0 was not received");
            assertEquals("tck environment", received.getText());
        }
        try (JMSContext context = factory.createContext(user, password)) {
            context.createProducer().send(queue, "simplified");
            assertEquals("simplified", context.createConsumer(queue).receiveBody(String.class, 10_000));
        }
    }
}
