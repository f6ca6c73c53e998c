package io.keelmq.ra.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;

/**
 * The connection manager of a non-managed environment (Connectors 2.1, 6.5.1.2: no application server): every
 * request opens a managed connection, and closing the handle (or a connection error) destroys it. No pooling, no
 * transaction enlistment.
 */
final class UnpooledConnectionManager implements ConnectionManager {
    private static final long serialVersionUID = 1L;

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        ManagedConnection managed = factory.createManagedConnection(null, info);
        managed.addConnectionEventListener(new ConnectionEventListener() {
            @Override
            public void connectionClosed(ConnectionEvent event) {
                destroy(managed);
            }

            @Override
            public void connectionErrorOccurred(ConnectionEvent event) {
                destroy(managed);
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
        });
        try {
            return managed.getConnection(null, info);
        } catch (ResourceException | RuntimeException e) {
            destroy(managed);
            throw e;
        }
    }

    private static void destroy(ManagedConnection managed) {
        try {
            managed.destroy();
        } catch (ResourceException e) {
            // KeelManagedConnection.destroy does not fail; nothing else to release
        }
    }
}
