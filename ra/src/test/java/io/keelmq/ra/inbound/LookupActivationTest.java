package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.ra.admin.AdminQueue;
import io.keelmq.ra.admin.AdminTopic;
import io.keelmq.ra.outbound.KeelManagedConnectionFactory;
import io.keelmq.ra.testing.TestConnectionManager;
import io.keelmq.ra.testing.TestJndi;
import jakarta.resource.spi.InvalidPropertyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * destinationLookup and connectionFactoryLookup (spec 13.1) through JNDI: an admin object of this adapter as the
 * destination, and as connection factory an outbound factory of this adapter or a keel-jms KeelConnectionFactory,
 * whose broker URL is used instead of the adapter's. Bad lookups fail the activation with the name in the message.
 */
class LookupActivationTest extends InboundTestBase {

    @BeforeEach
    void installJndi() throws Exception {
        TestJndi.install();
        // The adapter's own URL leads nowhere: only a looked-up factory can reach the broker.
        adapter.setBrokerURL("keel://127.0.0.1:1");
        AdminQueue orders = new AdminQueue();
        orders.setPhysicalName("orders");
        TestJndi.bind("java:global/jms/orders", orders);
        AdminTopic prices = new AdminTopic();
        prices.setPhysicalName("prices");
        TestJndi.bind("java:global/jms/prices", prices);
    }

    @AfterEach
    void uninstallJndi() {
        TestJndi.uninstall();
    }

    private KeelActivationSpec lookupSpec(String factoryName) {
        KeelActivationSpec spec = new KeelActivationSpec();
        spec.setDestinationLookup("java:global/jms/orders");
        spec.setConnectionFactoryLookup(factoryName);
        spec.setMaxSession(1);
        return spec;
    }

    @Test
    void anOutboundFactoryOfThisAdapterAndAnAdminQueue() throws Exception {
        KeelManagedConnectionFactory managed = new KeelManagedConnectionFactory();
        managed.setBrokerURL(broker.url());
        TestJndi.bind("java:global/jms/cf", managed.createConnectionFactory(new TestConnectionManager(null)));
        RecordingBean bean = new RecordingBean();
        activate(lookupSpec("java:global/jms/cf"), bean, true);
        send("orders", false, "via lookups");
        assertEquals("via lookups", bean.awaitDeliveries(1, 30_000).get(0).text());
    }

    @Test
    void aKeelJmsConnectionFactory() throws Exception {
        TestJndi.bind("java:global/jms/plain-cf", new KeelConnectionFactory(broker.url()));
        RecordingBean bean = new RecordingBean();
        activate(lookupSpec("java:global/jms/plain-cf"), bean, false);
        send("orders", false, "via a keel-jms factory");
        assertEquals("via a keel-jms factory", bean.awaitDeliveries(1, 30_000).get(0).text());
    }

    @Test
    void badLookupsFailTheActivationNamingThem() {
        KeelActivationSpec missing = lookupSpec("java:global/jms/nothing-here");
        InvalidPropertyException e = assertThrows(InvalidPropertyException.class,
                () -> activate(missing, new RecordingBean(), false));
        assertTrue(e.getMessage().contains("connectionFactoryLookup 'java:global/jms/nothing-here'"),
                e.getMessage());

        TestJndi.bind("java:global/jms/not-a-factory", "just a string");
        e = assertThrows(InvalidPropertyException.class,
                () -> activate(lookupSpec("java:global/jms/not-a-factory"), new RecordingBean(), false));
        assertTrue(e.getMessage().contains("not a KeelMQ connection factory"), e.getMessage());

        TestJndi.bind("java:global/jms/cf", new KeelConnectionFactory());
        KeelActivationSpec conflicting = lookupSpec("java:global/jms/cf");
        conflicting.setDestinationLookup("java:global/jms/prices");
        conflicting.setDestinationType("jakarta.jms.Queue");
        e = assertThrows(InvalidPropertyException.class,
                () -> activate(conflicting, new RecordingBean(), false));
        assertTrue(e.getMessage().contains("but destinationType is jakarta.jms.Queue"), e.getMessage());
    }
}
