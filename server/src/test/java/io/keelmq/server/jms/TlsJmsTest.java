package io.keelmq.server.jms;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.jndi.KeelInitialContextFactory;
import io.keelmq.jms.jndi.KeelObjectFactory;
import io.keelmq.server.Broker;
import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.TlsClientAuth;
import io.keelmq.server.security.PasswordHash;
import io.keelmq.server.security.UserEntry;
import io.keelmq.server.security.UsersFile;
import io.keelmq.server.testing.TestBrokers;
import io.keelmq.server.testing.TestCertificates;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.naming.Context;
import javax.naming.InitialContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Hashtable;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * keel+ssl:// clients against a broker with tlsEnabled, through the Jakarta Messaging API: messages flow over TLS
 * beside the plain listener; trust, expiry, host names and client certificates fail with messages that say which.
 */
class TlsJmsTest extends JmsTestBase {
    /** Bounds every failing connect: a TLS failure must not wait for anything longer. */
    private static final long CONNECT_TIMEOUT = 5_000;

    @TempDir
    static Path keys;
    static TestCertificates certificates;

    @TempDir
    Path otherBrokerDir;

    @BeforeAll
    static void generateKeys() throws Exception {
        certificates = TestCertificates.generate(keys);
    }

    @Override
    BrokerConfig.Builder brokerConfig() {
        return tls(super.brokerConfig(), certificates.serverKeyStore);
    }

    static BrokerConfig.Builder tls(BrokerConfig.Builder config, Path keyStore) {
        return config.set(ConfigKeys.TLS_ENABLED, true)
                .set(ConfigKeys.TLS_PORT, 0)
                .set(ConfigKeys.TLS_KEY_STORE, keyStore)
                .set(ConfigKeys.TLS_KEY_STORE_PASSWORD, TestCertificates.PASSWORD);
    }

    static String tlsUrl(String host, Broker target, Path trustStore) {
        return "keel+ssl://" + host + ":" + target.tlsListenAddress().getPort() + "?trustStore=" + trustStore
                + "&trustStorePassword=" + TestCertificates.PASSWORD + "&requestTimeout=" + CONNECT_TIMEOUT;
    }

    String tlsUrl() {
        return tlsUrl("localhost", broker, certificates.trustStore);
    }

    /** Another broker on its own directory, closed by the caller. */
    Broker otherBroker(UnaryOperator<BrokerConfig.Builder> settings) throws Exception {
        return Broker.start(settings.apply(TestBrokers.config(otherBrokerDir)).build());
    }

    @Test
    void persistentMessagesTravelOverTlsBesideThePlainListener() throws Exception {
        assertNotNull(broker.listenAddress(), "the plain listener still runs");
        Connection connection = track(new KeelConnectionFactory(tlsUrl()).createConnection());
        Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        Queue queue = session.createQueue("tls-orders");
        MessageProducer producer = session.createProducer(queue);
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        for (int i = 0; i < 20; i++) {
            producer.send(session.createTextMessage("order " + i));
        }
        MessageConsumer consumer = session.createConsumer(queue);
        connection.start();
        for (int i = 0; i < 20; i++) {
            TextMessage received = (TextMessage) consumer.receive(5_000);
            assertNotNull(received, "message " + i);
            assertEquals("order " + i, received.getText());
        }

        // JMSContext, by IP address (the certificate's IP SAN), and the plain listener sees the same queue.
        try (JMSContext context = new KeelConnectionFactory(tlsUrl("127.0.0.1", broker, certificates.trustStore))
                .createContext()) {
            context.createProducer().setDeliveryMode(DeliveryMode.PERSISTENT)
                    .send(context.createQueue("tls-mixed"), "from TLS");
        }
        try (JMSContext plain = factory().createContext()) {
            assertEquals("from TLS", plain.createConsumer(plain.createQueue("tls-mixed"))
                    .receiveBody(String.class, 5_000));
        }
    }

    @Test
    void tlsOptionsWorkAsBeanPropertiesAndThroughJndi() throws Exception {
        KeelConnectionFactory beans = new KeelConnectionFactory("keel+ssl://localhost:"
                + broker.tlsListenAddress().getPort());
        beans.setTrustStore(certificates.trustStore.toString());
        beans.setTrustStorePassword(TestCertificates.PASSWORD);
        beans.setTrustStoreType("PKCS12");
        beans.setRequestTimeout(CONNECT_TIMEOUT);
        roundTrip(beans, "beans");

        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, KeelInitialContextFactory.class.getName());
        env.put("connectionFactory.secure", tlsUrl());
        env.put("queue.q", "tls-jndi");
        Context jndi = new InitialContext(env);
        roundTrip((ConnectionFactory) jndi.lookup("secure"), "jndi");

        // A factory rebuilt from its JNDI reference keeps the TLS options.
        KeelConnectionFactory rebuilt = (KeelConnectionFactory) new KeelObjectFactory()
                .getObjectInstance(beans.getReference(), null, null, null);
        assertEquals(certificates.trustStore.toString(), rebuilt.getTrustStore());
        roundTrip(rebuilt, "reference");
    }

    private void roundTrip(ConnectionFactory factory, String text) {
        try (JMSContext context = factory.createContext()) {
            Queue queue = context.createQueue("tls-props");
            context.createProducer().send(queue, text);
            assertEquals(text, context.createConsumer(queue).receiveBody(String.class, 5_000));
        }
    }

    @Test
    void plainClientOnTheTlsPortIsToldToUseKeelSslAndTheBrokerCarriesOn() throws Exception {
        String plainToTls = "keel://127.0.0.1:" + broker.tlsListenAddress().getPort() + "?requestTimeout="
                + CONNECT_TIMEOUT;
        JMSException e = assertThrows(JMSException.class,
                () -> track(new KeelConnectionFactory(plainToTls).createConnection()));
        assertTrue(e.getMessage().contains("handshake failed") && e.getMessage().contains("keel+ssl://")
                && e.getMessage().contains("not TLS"), e.getMessage());

        try (JMSContext context = new KeelConnectionFactory(tlsUrl()).createContext()) {
            context.createProducer().send(context.createQueue("after-plain"), "still serving");
            assertEquals("still serving", context.createConsumer(context.createQueue("after-plain"))
                    .receiveBody(String.class, 5_000));
        }
    }

    @Test
    void plainTextOnTheTlsPortIsLoggedWithTheSenderAndClosed() throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        int clientPort;
        // slf4j-simple writes to whatever System.err is at the time of the call.
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try (Socket socket = new Socket("127.0.0.1", broker.tlsListenAddress().getPort())) {
            clientPort = socket.getLocalPort();
            socket.setSoTimeout((int) CONNECT_TIMEOUT);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // the broker's error frame, then end of stream: the broker closed the connection
            }
        } finally {
            System.setErr(originalErr);
        }
        String lines = log.toString(StandardCharsets.UTF_8);
        String line = lines.lines().filter(l -> l.contains("127.0.0.1:" + clientPort)).findFirst().orElse(null);
        assertNotNull(line, "a line names the sender; the log was:\n" + lines);
        assertTrue(line.contains("not TLS"), line);
        assertEquals(1, lines.lines().filter(l -> l.contains("127.0.0.1:" + clientPort)).count(), lines);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (broker.connectionCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, broker.connectionCount());
    }

    @Test
    void tlsClientOnThePlainPortIsToldSo() {
        String url = "keel+ssl://localhost:" + broker.listenAddress().getPort() + "?trustStore="
                + certificates.trustStore + "&trustStorePassword=" + TestCertificates.PASSWORD + "&requestTimeout="
                + CONNECT_TIMEOUT;
        long start = System.nanoTime();
        JMSException e = assertThrows(JMSException.class, () -> track(new KeelConnectionFactory(url)
                .createConnection()));
        assertTrue(e.getMessage().contains("TLS handshake with localhost:" + broker.listenAddress().getPort()
                + " failed: the broker did not answer with TLS; is this its plain port?"), e.getMessage());
        assertTrue(System.nanoTime() - start < 2 * CONNECT_TIMEOUT * 1_000_000L, "bounded by the connect timeout");
    }

    @Test
    void aPeerThatNeverAnswersTheHandshakeFailsWithinTheConnectTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String url = "keel+ssl://127.0.0.1:" + silent.getLocalPort() + "?trustStore=" + certificates.trustStore
                    + "&trustStorePassword=" + TestCertificates.PASSWORD + "&requestTimeout=1000";
            long start = System.nanoTime();
            JMSException e = assertThrows(JMSException.class, () -> track(new KeelConnectionFactory(url)
                    .createConnection()));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("no handshake completed within 1000 ms"), e.getMessage());
            assertTrue(millis < 3_000, "gave up after " + millis + " ms");
        }
    }

    @Test
    void userAndPasswordAuthenticationWorksOverTls() throws Exception {
        Path users = otherBrokerDir.resolve("users");
        UsersFile.write(users, List.of(new UserEntry("alice", PasswordHash.create("alice-pw".toCharArray()),
                List.of("app"))));
        try (Broker secured = otherBroker(c -> tls(c, certificates.serverKeyStore)
                .set(ConfigKeys.AUTHENTICATION_ENABLED, true).set(ConfigKeys.USERS_FILE, users))) {
            KeelConnectionFactory factory = new KeelConnectionFactory(tlsUrl("localhost", secured,
                    certificates.trustStore));
            try (JMSContext context = factory.createContext("alice", "alice-pw")) {
                context.createProducer().send(context.createQueue("auth-tls"), "hi");
            }
            JMSSecurityException refused = assertThrows(JMSSecurityException.class,
                    () -> track(factory.createConnection("alice", "wrong")));
            assertEquals("SECURITY", refused.getErrorCode());
        }
    }

    @Test
    void unknownServerCertificateIsNamedAsNotTrusted() {
        String url = tlsUrl("localhost", broker, certificates.otherTrustStore);
        JMSException e = assertThrows(JMSException.class, () -> track(new KeelConnectionFactory(url)
                .createConnection()));
        assertTrue(e.getMessage().contains("TLS handshake with localhost:" + broker.tlsListenAddress().getPort()
                + " failed: server certificate not trusted (PKIX path"), e.getMessage());
    }

    @Test
    void expiredServerCertificateIsNamedAsExpired() throws Exception {
        try (Broker expired = otherBroker(c -> tls(c, certificates.expiredServerKeyStore))) {
            String url = tlsUrl("localhost", expired, certificates.trustStore);
            JMSException e = assertThrows(JMSException.class, () -> track(new KeelConnectionFactory(url)
                    .createConnection()));
            assertTrue(e.getMessage().contains("server certificate expired"), e.getMessage());
        }
    }

    @Test
    void certificateNotNamingTheHostFailsUnlessVerifyHostIsOff() throws Exception {
        // The client certificate is signed by the trusted CA but names no host.
        try (Broker noSan = otherBroker(c -> tls(c, certificates.clientKeyStore))) {
            String url = tlsUrl("localhost", noSan, certificates.trustStore);
            JMSException e = assertThrows(JMSException.class, () -> track(new KeelConnectionFactory(url)
                    .createConnection()));
            assertTrue(e.getMessage().contains("does not name this host"), e.getMessage());
            track(new KeelConnectionFactory(url + "&verifyHost=false").createConnection()).createSession().close();
        }
    }

    @Test
    void requiredClientCertificateRefusesClientsWithoutOne() throws Exception {
        try (Broker mutual = otherBroker(c -> tls(c, certificates.serverKeyStore)
                .set(ConfigKeys.TLS_CLIENT_AUTH, TlsClientAuth.REQUIRE)
                .set(ConfigKeys.TLS_TRUST_STORE, certificates.trustStore)
                .set(ConfigKeys.TLS_TRUST_STORE_PASSWORD, TestCertificates.PASSWORD))) {
            String url = tlsUrl("localhost", mutual, certificates.trustStore);
            long start = System.nanoTime();
            JMSException e = assertThrows(JMSException.class, () -> track(new KeelConnectionFactory(url)
                    .createConnection()));
            assertTrue(e.getMessage().contains("client certificate") && e.getMessage().contains("keyStore"),
                    e.getMessage());
            assertTrue(System.nanoTime() - start < CONNECT_TIMEOUT * 1_000_000L, "failed within the timeout");

            KeelConnectionFactory withCertificate = new KeelConnectionFactory(url + "&keyStore="
                    + certificates.clientKeyStore + "&keyStorePassword=" + TestCertificates.PASSWORD);
            roundTrip(withCertificate, "mutual TLS");
        }
    }

    @Test
    void tlsOptionsOnAPlainUrlAreRefusedRatherThanIgnored() throws Exception {
        KeelConnectionFactory plain = factory();
        plain.setTrustStore(certificates.trustStore.toString());
        JMSException e = assertThrows(JMSException.class, plain::createConnection);
        assertTrue(e.getMessage().contains("keel+ssl://"), e.getMessage());
    }
}
