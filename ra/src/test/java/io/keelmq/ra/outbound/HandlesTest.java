package io.keelmq.ra.outbound;

import jakarta.jms.Connection;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The handles an application holds: closing one gives the managed connection back to the pool (CONNECTION_CLOSED)
 * and closes what was made through it; one session per connection; the methods spec 12.2 reserves for the container
 * are refused; the container's cleanup invalidates handles still open.
 */
class HandlesTest extends OutboundTestBase {

    @Test
    void closingAConnectionClosesItsSessionAndProducerAndReturnsThePooledConnection() throws Exception {
        Connection connection = factory.createConnection();
        Session session = connection.createSession();
        MessageProducer producer = session.createProducer(session.createQueue("orders"));
        connection.close();
        connection.close();
        assertThrows(IllegalStateException.class, () -> session.createTextMessage("x"));
        assertThrows(IllegalStateException.class, () -> producer.send(session.createTextMessage("x")));
        assertThrows(IllegalStateException.class, () -> producer.send(null));
        assertThrows(IllegalStateException.class, connection::createSession);

        try (Connection again = factory.createConnection()) {
            again.createSession().createProducer(null);
        }
        try (JMSContext context = factory.createContext()) {
            context.createProducer().send(context.createQueue("orders"), "pooled");
        }
        assertEquals(1, pool.created(), "the pool reuses its one managed connection");
        assertEquals("pooled", text(plainConsumer("orders").receive(10_000)));
    }

    @Test
    void closingAConnectionHandleSignalsConnectionClosedWithTheHandle() throws Exception {
        KeelManagedConnection managed = (KeelManagedConnection) managedFactory.createManagedConnection(null, null);
        List<ConnectionEvent> events = new ArrayList<>();
        managed.addConnectionEventListener(recording(events));
        try {
            Connection handle = (Connection) managed.getConnection(null, null);
            handle.close();
            assertEquals(1, events.size());
            assertEquals(ConnectionEvent.CONNECTION_CLOSED, events.get(0).getId());
            assertSame(handle, events.get(0).getConnectionHandle());
        } finally {
            managed.destroy();
        }
    }

    @Test
    void aConsumerMadeThroughASessionHandleIsClosedWithIt() throws Exception {
        plainSend("orders", "for the next consumer");
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession();
            MessageConsumer consumer = session.createConsumer(session.createQueue("orders"));
            session.close();
            assertThrows(IllegalStateException.class, () -> consumer.receive(100));
        }
        assertEquals("for the next consumer", text(plainConsumer("orders").receive(10_000)),
                "a closed consumer must not keep a message");
    }

    @Test
    void aConnectionHasOneOpenSessionAtATime() throws Exception {
        try (Connection connection = factory.createConnection()) {
            Session first = connection.createSession();
            IllegalStateException refused = assertThrows(IllegalStateException.class, connection::createSession);
            assertEquals(true, refused.getMessage().contains("12.2"), refused.getMessage());
            first.close();
            connection.createSession(false, Session.AUTO_ACKNOWLEDGE).close();
        }
    }

    @Test
    void theMethodsSpec12_2ReservesForTheContainerAreRefused() throws Exception {
        try (Connection connection = factory.createConnection()) {
            assertThrows(IllegalStateException.class, () -> connection.setClientID("mine"));
            assertThrows(IllegalStateException.class, () -> connection.setExceptionListener(e -> { }));
            assertThrows(IllegalStateException.class, connection::stop);
            assertThrows(IllegalStateException.class, () -> connection.createConnectionConsumer(
                    (jakarta.jms.Destination) null, null, null, 1));
            assertNull(connection.getExceptionListener());
            connection.start();
            Session session = connection.createSession();
            assertThrows(IllegalStateException.class, () -> session.setMessageListener(m -> { }));
            assertThrows(IllegalStateException.class, session::getMessageListener);
            assertThrows(IllegalStateRuntimeException.class, session::run);
        }
        try (JMSContext context = factory.createContext()) {
            assertThrows(JMSRuntimeException.class, () -> context.createContext(JMSContext.AUTO_ACKNOWLEDGE));
            assertThrows(IllegalStateRuntimeException.class, () -> context.setClientID("mine"));
            assertThrows(IllegalStateRuntimeException.class, () -> context.setExceptionListener(e -> { }));
            assertThrows(IllegalStateRuntimeException.class, context::stop);
            context.start();
        }
    }

    @Test
    void theContainersCleanupInvalidatesHandlesStillOpen() throws Exception {
        KeelManagedConnection managed = (KeelManagedConnection) managedFactory.createManagedConnection(null, null);
        try {
            Connection handle = (Connection) managed.getConnection(null, null);
            Session session = handle.createSession();
            managed.cleanup();
            assertThrows(IllegalStateException.class, handle::createSession);
            assertThrows(IllegalStateException.class, () -> session.createQueue("q"));
            Connection next = (Connection) managed.getConnection(null, null);
            next.createSession().close();
            next.close();
        } finally {
            managed.destroy();
        }
    }

    @Test
    void connectionSharingMovesAHandleToAnotherManagedConnection() throws Exception {
        KeelManagedConnection first = (KeelManagedConnection) managedFactory.createManagedConnection(null, null);
        KeelManagedConnection second = (KeelManagedConnection) managedFactory.createManagedConnection(null, null);
        try {
            ConnectionHandle handle = (ConnectionHandle) first.getConnection(null, null);
            second.associateConnection(handle);
            assertSame(second, handle.managed());
            List<ConnectionEvent> events = new ArrayList<>();
            second.addConnectionEventListener(recording(events));
            handle.close();
            assertEquals(1, events.size(), "the close is reported by the connection the handle belongs to now");
        } finally {
            first.destroy();
            second.destroy();
        }
    }

    static ConnectionEventListener recording(List<ConnectionEvent> events) {
        return new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                events.add(event);
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                events.add(event);
            }

            @Override
            public void localTransactionStarted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionCommitted(ConnectionEvent event) {
            }

            @Override
            public void localTransactionRolledback(ConnectionEvent event) {
            }
        };
    }
}
