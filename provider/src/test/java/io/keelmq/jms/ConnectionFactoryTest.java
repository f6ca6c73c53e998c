package io.keelmq.jms;

import io.keelmq.jms.jndi.KeelObjectFactory;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.Test;

import javax.naming.Reference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionFactoryTest {

    @Test
    void defaultsAreRocketMQs() {
        KeelConnectionFactory factory = new KeelConnectionFactory();
        assertEquals("keel://127.0.0.1:10911", factory.getBrokerURL());
        assertEquals(3000, factory.getSendMsgTimeout());
        assertEquals(2, factory.getRetryTimesWhenSendFailed());
        assertEquals(2, factory.getRetryTimesWhenSendAsyncFailed());
        assertEquals(1000, factory.getPullThresholdForQueue());
        assertEquals(100, factory.getPullThresholdSizeForQueue());
        assertTrue(factory.isThrowOnSendStatus());
        assertNull(factory.getClientID());
    }

    @Test
    void urlOptionsSetTheBeanProperties() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory("keel://h:1?clientID=c&sendMsgTimeout=500"
                + "&retryTimesWhenSendFailed=5&retryTimesWhenSendAsyncFailed=0&pullThresholdForQueue=10"
                + "&pullThresholdSizeForQueue=3&pollHoldMillis=0&heartbeatInterval=0&requestTimeout=9"
                + "&throwOnSendStatus=false&USER=u&password=p");
        assertEquals("c", factory.getClientID());
        assertEquals(500, factory.getSendMsgTimeout());
        assertEquals(5, factory.getRetryTimesWhenSendFailed());
        assertEquals(0, factory.getRetryTimesWhenSendAsyncFailed());
        assertEquals(10, factory.getPullThresholdForQueue());
        assertEquals(3, factory.getPullThresholdSizeForQueue());
        assertEquals(0, factory.getPollHoldMillis());
        assertEquals(0, factory.getHeartbeatInterval());
        assertEquals(9, factory.getRequestTimeout());
        assertFalse(factory.isThrowOnSendStatus());
        assertEquals("u", factory.getUser());
        assertEquals("p", factory.getPassword());
    }

    @Test
    void tlsOptionsAreUrlOptionsBeanPropertiesAndReferenceAddresses() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory("keel+ssl://h:1?trustStore=/t.p12"
                + "&trustStorePassword=tp&trustStoreType=JKS&keyStore=/k.p12&keyStorePassword=kp&keyStoreType=PKCS12"
                + "&verifyHost=false");
        assertEquals("/t.p12", factory.getTrustStore());
        assertEquals("tp", factory.getTrustStorePassword());
        assertEquals("JKS", factory.getTrustStoreType());
        assertEquals("/k.p12", factory.getKeyStore());
        assertEquals("kp", factory.getKeyStorePassword());
        assertEquals("PKCS12", factory.getKeyStoreType());
        assertFalse(factory.isVerifyHost());

        KeelConnectionFactory rebuilt = (KeelConnectionFactory) new KeelObjectFactory()
                .getObjectInstance(factory.getReference(), null, null, null);
        assertEquals(factory.getOptions().tlsOptions(), rebuilt.getOptions().tlsOptions());

        KeelConnectionFactory defaults = new KeelConnectionFactory();
        assertNull(defaults.getTrustStore());
        assertNull(defaults.getKeyStore());
        assertEquals("PKCS12", defaults.getTrustStoreType());
        assertTrue(defaults.isVerifyHost(), "host names are verified unless turned off");
        assertThrows(JMSException.class, () -> new KeelConnectionFactory("keel+ssl://h?verifyHost=maybe"));
    }

    @Test
    void anUnknownOptionIsNamedInTheException() {
        JMSException e = assertThrows(JMSException.class, () -> new KeelConnectionFactory("keel://h?sendTimeout=1"));
        assertTrue(e.getMessage().contains("'sendTimeout'"), e.getMessage());
        assertTrue(e.getMessage().contains("sendMsgTimeout"), "and lists the known ones: " + e.getMessage());
    }

    @Test
    void anInvalidValueIsNamedInTheException() throws Exception {
        JMSException e = assertThrows(JMSException.class,
                () -> new KeelConnectionFactory("keel://h?pullThresholdForQueue=-1"));
        assertTrue(e.getMessage().contains("pullThresholdForQueue"), e.getMessage());
        assertEquals(0, new KeelConnectionFactory("keel://h?pullThresholdForQueue=0").getPullThresholdForQueue(),
                "0 is valid: no prefetch");
        assertThrows(JMSException.class, () -> new KeelConnectionFactory("keel://h?sendMsgTimeout=soon"));
        assertThrows(JMSException.class, () -> new KeelConnectionFactory("keel://h?throwOnSendStatus=yes"));
        KeelConnectionFactory factory = new KeelConnectionFactory("keel://h?sendMsgTimeout=7");
        assertThrows(JMSException.class, () -> factory.setBrokerURL("keel://h?sendMsgTimeout=-1"));
        assertEquals(7, factory.getSendMsgTimeout(), "a refused URL changes nothing");
        assertThrows(IllegalArgumentException.class, () -> factory.setRequestTimeout(0));
    }

    @Test
    void tcpTransportIsAnOptionForPlainTcpOnly() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory("keel://h:1?tcpTransport=Netty");
        assertEquals("netty", factory.getTcpTransport());
        assertEquals("netty", factory.getOptions().toProperties().get("tcpTransport"));
        assertNull(new KeelConnectionFactory().getTcpTransport(), "unset: the default (blocking)");
        JMSException invalid = assertThrows(JMSException.class,
                () -> new KeelConnectionFactory("keel://h?tcpTransport=epoll"));
        assertTrue(invalid.getMessage().contains("tcpTransport") && invalid.getMessage().contains("blocking or netty"),
                invalid.getMessage());
        JMSException tls = assertThrows(JMSException.class,
                () -> new KeelConnectionFactory("keel+ssl://127.0.0.1:1?tcpTransport=blocking").createConnection());
        assertTrue(tls.getMessage().contains("keel:// only"), tls.getMessage());
    }

    @Test
    void brokerOptionsNeedAnInVmUrl() throws Exception {
        assertThrows(JMSException.class, () -> new KeelConnectionFactory("keel://h?broker.flushDiskType=SYNC_FLUSH"));
        KeelConnectionFactory vm = new KeelConnectionFactory("vm://embedded?broker.flushDiskType=SYNC_FLUSH");
        assertEquals(Map.of("flushDiskType", "SYNC_FLUSH"), vm.getOptions().getBrokerOptions());
    }

    @Test
    void aReferenceRebuildsAnEqualFactory() throws Exception {
        KeelConnectionFactory factory = new KeelConnectionFactory("keel://h:2?clientID=c");
        factory.setSendMsgTimeout(1234);
        Reference reference = factory.getReference();
        KeelConnectionFactory rebuilt = (KeelConnectionFactory) new KeelObjectFactory().getObjectInstance(reference,
                null, null, null);
        assertEquals("keel://h:2?clientID=c", rebuilt.getBrokerURL());
        assertEquals(1234, rebuilt.getSendMsgTimeout());
        assertEquals("c", rebuilt.getClientID());
        assertEquals(factory.getOptions().toProperties(), rebuilt.getOptions().toProperties());
    }

    @Test
    void destinationsRoundTripThroughReferencesAndSerialization() throws Exception {
        KeelObjectFactory objects = new KeelObjectFactory();
        assertEquals(new KeelQueue("q"), objects.getObjectInstance(new KeelQueue("q").getReference(), null, null,
                null));
        assertEquals(new KeelTopic("t"), objects.getObjectInstance(new KeelTopic("t").getReference(), null, null,
                null));
        assertEquals(new KeelQueue("q"), roundTrip(new KeelQueue("q")));
        KeelConnectionFactory factory = (KeelConnectionFactory) roundTrip(
                new KeelConnectionFactory("vm://x?pullThresholdForQueue=4"));
        assertEquals(4, factory.getPullThresholdForQueue());
        assertEquals("vm://x?pullThresholdForQueue=4", factory.getBrokerURL());
        assertFalse(new KeelQueue("same").equals(new KeelTopic("same")), "kinds keep same-named ones apart");
    }

    /** Java serialization there and back (also used by KeelXAResourceTest). */
    static Object roundTrip(Object object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
