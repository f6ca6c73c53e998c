package io.keelmq.ra.outbound;

import jakarta.jms.Connection;
import jakarta.jms.JMSContext;
import jakarta.resource.spi.ConnectionEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A broker connection that breaks is reported to the server as CONNECTION_ERROR_OCCURRED, so the pool drops it and
 * the next request gets a new connection (once the broker is back).
 */
class ConnectionErrorTest extends OutboundTestBase {

    @Test
    void aLostBrokerConnectionIsReportedAndLeavesThePool() throws Exception {
        try (Connection connection = factory.createConnection()) {
            connection.createSession().close();
        }
        assertEquals(1, pool.pooled());
        broker.stop();

        long deadline = System.nanoTime() + 30_000_000_000L;
        while (pool.errors().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        List<ConnectionEvent> errors = pool.errors();
        assertEquals(1, errors.size(), "no CONNECTION_ERROR_OCCURRED within 30 s of the broker going away");
        assertEquals(ConnectionEvent.CONNECTION_ERROR_OCCURRED, errors.get(0).getId());
        assertNotNull(errors.get(0).getException());
        assertEquals(0, pool.pooled(), "the broken connection is still pooled");
        KeelManagedConnection broken = (KeelManagedConnection) errors.get(0).getSource();
        assertFalse(broken.isUsable());
        assertTrue(managedFactory.matchManagedConnections(java.util.Set.of(broken), null, null) == null,
                "a broken connection must never be matched again");

        broker.restart();
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(context.createQueue("orders"), "after the restart");
        }
        assertEquals(2, pool.created());
        assertEquals("after the restart", text(plainConsumer("orders").receive(10_000)));
    }
}
