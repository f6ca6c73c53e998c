package io.keelmq.ra.testing;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.Transaction;
import jakarta.transaction.TransactionManager;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an application server's connection manager does, in small: a pool of managed connections (matched with
 * matchManagedConnections, cleaned up when their last handle closes, destroyed on CONNECTION_ERROR_OCCURRED) and, when
 * a JTA transaction is active, enlistment of the managed connection's XAResource, with the connection kept for that
 * transaction (shared by every allocation in it) until it completes.
 */
public final class TestConnectionManager implements ConnectionManager {
    private static final long serialVersionUID = 1L;

    private final transient TransactionManager transactions;
    private final Set<ManagedConnection> idle = new HashSet<>();
    private final Set<ManagedConnection> all = new HashSet<>();
    private final Map<ManagedConnection, Integer> openHandles = new HashMap<>();
    private final Map<Transaction, ManagedConnection> byTransaction = new HashMap<>();
    private final List<ConnectionEvent> errors = new ArrayList<>();
    private int created;

    /** @param transactions null: no JTA, connections are only pooled */
    public TestConnectionManager(TransactionManager transactions) {
        this.transactions = transactions;
    }

    @Override
    public Object allocateConnection(ManagedConnectionFactory factory, ConnectionRequestInfo info)
            throws ResourceException {
        Transaction tx = activeTransaction();
        ManagedConnection managed;
        synchronized (this) {
            managed = tx == null ? null : byTransaction.get(tx);
            if (managed == null) {
                managed = factory.matchManagedConnections(new HashSet<>(idle), null, info);
                if (managed != null) {
                    idle.remove(managed);
                } else {
                    managed = factory.createManagedConnection(null, info);
                    managed.addConnectionEventListener(new Listener());
                    all.add(managed);
                    created++;
                }
                if (tx != null) {
                    enlist(tx, managed);
                }
            }
            openHandles.merge(managed, 1, Integer::sum);
        }
        return managed.getConnection(null, info);
    }

    private void enlist(Transaction tx, ManagedConnection managed) throws ResourceException {
        try {
            if (!tx.enlistResource(managed.getXAResource())) {
                throw new ResourceException("the transaction manager refused the XAResource");
            }
            byTransaction.put(tx, managed);
            tx.registerSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    synchronized (TestConnectionManager.this) {
                        byTransaction.remove(tx);
                        returnIfUnused(managed);
                    }
                }
            });
        } catch (ResourceException e) {
            throw e;
        } catch (Exception e) {
            throw new ResourceException("enlistment failed: " + e, e);
        }
    }

    private Transaction activeTransaction() throws ResourceException {
        if (transactions == null) {
            return null;
        }
        try {
            Transaction tx = transactions.getTransaction();
            return tx != null && tx.getStatus() == Status.STATUS_ACTIVE ? tx : null;
        } catch (Exception e) {
            throw new ResourceException(e);
        }
    }

    private void returnIfUnused(ManagedConnection managed) {
        if (openHandles.getOrDefault(managed, 0) == 0 && !byTransaction.containsValue(managed)
                && all.contains(managed)) {
            try {
                managed.cleanup();
                idle.add(managed);
            } catch (ResourceException e) {
                destroy(managed);
            }
        }
    }

    private void destroy(ManagedConnection managed) {
        all.remove(managed);
        idle.remove(managed);
        openHandles.remove(managed);
        byTransaction.values().remove(managed);
        try {
            managed.destroy();
        } catch (ResourceException e) {
            // gone either way
        }
    }

    /** Managed connections ever created (a pool reusing its connection keeps this at 1). */
    public synchronized int created() {
        return created;
    }

    /** Managed connections in the pool now (idle or in use). */
    public synchronized int pooled() {
        return all.size();
    }

    public synchronized List<ConnectionEvent> errors() {
        return new ArrayList<>(errors);
    }

    /** Destroys every managed connection, as an undeploy does. */
    public synchronized void shutdown() {
        for (ManagedConnection managed : new ArrayList<>(all)) {
            destroy(managed);
        }
    }

    private final class Listener implements ConnectionEventListener {
        @Override
        public void connectionClosed(ConnectionEvent event) {
            ManagedConnection managed = (ManagedConnection) event.getSource();
            synchronized (TestConnectionManager.this) {
                openHandles.computeIfPresent(managed, (m, n) -> n - 1);
                returnIfUnused(managed);
            }
        }

        @Override
        public void connectionErrorOccurred(ConnectionEvent event) {
            synchronized (TestConnectionManager.this) {
                errors.add(event);
                destroy((ManagedConnection) event.getSource());
            }
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
    }
}
