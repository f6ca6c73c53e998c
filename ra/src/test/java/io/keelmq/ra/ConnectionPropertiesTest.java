package io.keelmq.ra;

import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.ra.outbound.KeelManagedConnectionFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configuration properties: validated as the client validates them, and the basis of factory equality. */
class ConnectionPropertiesTest {

    @Test
    void propertiesReachTheConnectionFactoryTheyConfigure() {
        KeelManagedConnectionFactory mcf = new KeelManagedConnectionFactory();
        mcf.setBrokerURL("keel://127.0.0.1:1234?sendMsgTimeout=4000");
        mcf.setRetryTimesWhenSendFailed(5);
        mcf.setThrowOnSendStatus(false);
        mcf.setClientID("app-1");
        mcf.setTcpTransport("netty");
        mcf.setHeartbeatInterval(null);
        mcf.setUser("");
        KeelXAConnectionFactory made = mcf.connectionFactory();
        assertEquals("keel://127.0.0.1:1234?sendMsgTimeout=4000", made.getBrokerURL());
        assertEquals(4000, made.getSendMsgTimeout());
        assertEquals(5, made.getRetryTimesWhenSendFailed());
        assertEquals(false, made.isThrowOnSendStatus());
        assertEquals("app-1", made.getClientID());
        assertEquals(10_000, made.getHeartbeatInterval(), "null (not set in the descriptor) keeps the default");
        assertEquals(null, made.getUser(), "an empty string (not set in the descriptor) is no user");
    }

    @Test
    void invalidValuesAreRefusedNamingTheProperty() {
        KeelManagedConnectionFactory mcf = new KeelManagedConnectionFactory();
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class,
                () -> mcf.setBrokerURL("http://127.0.0.1:1"));
        assertTrue(url.getMessage().contains("brokerURL"), url.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> mcf.setSendMsgTimeout(0L));
        assertTrue(timeout.getMessage().contains("sendMsgTimeout"), timeout.getMessage());
        IllegalArgumentException transport = assertThrows(IllegalArgumentException.class,
                () -> mcf.setTcpTransport("carrier-pigeon"));
        assertTrue(transport.getMessage().contains("tcpTransport"), transport.getMessage());
        assertEquals(3000L, mcf.getSendMsgTimeout(), "a refused value changes nothing");
    }

    @Test
    void factoriesWithTheSameSettingsAreEqual() {
        KeelManagedConnectionFactory a = new KeelManagedConnectionFactory();
        KeelManagedConnectionFactory b = new KeelManagedConnectionFactory();
        a.setBrokerURL("keel://127.0.0.1:1234");
        b.setBrokerURL("keel://127.0.0.1:1234");
        a.setPullThresholdForQueue(10);
        b.setPullThresholdForQueue(10);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        b.setPullThresholdForQueue(11);
        assertNotEquals(a, b);
    }
}
