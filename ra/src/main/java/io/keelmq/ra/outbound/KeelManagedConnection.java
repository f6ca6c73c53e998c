package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelConnection;
import io.keelmq.jms.KeelSession;
import io.keelmq.jms.KeelXAConnection;
import io.keelmq.jms.KeelXAConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.CommException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.IllegalStateException;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;

import javax.security.auth.Subject;
import javax.transaction.xa.XAResource;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One pooled broker connection (a {@link KeelXAConnection}, started) and the sessions the container's transactions use
 * on it. The application sees only {@link ConnectionHandle}s; this object decides which session a handle gets
 * (spec 12.3):
 * <ul>
 *   <li>inside a JTA transaction (the container enlisted {@link #getXAResource()} and started a branch): the one XA
 *       session of this connection, whatever arguments createSession or createContext got;</li>
 *   <li>inside a container local transaction ({@link #getLocalTransaction()} began): one transacted session, committed
 *       or rolled back by the container;</li>
 *   <li>otherwise: a new non-transacted session of the handle's own, AUTO_ACKNOWLEDGE unless DUPS_OK_ACKNOWLEDGE was
 *       asked (CLIENT_ACKNOWLEDGE and local transactions are not given, as spec 12.3 recommends).</li>
 * </ul>
 * A lost broker connection is reported to the server as CONNECTION_ERROR_OCCURRED, so the pool destroys this object.
 */
public final class KeelManagedConnection implements ManagedConnection {
    private static final System.Logger LOG = System.getLogger(KeelManagedConnection.class.getName());

    private final KeelManagedConnectionFactory factory;
    private final Credentials credentials;
    private final KeelXAConnection physical;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final List<ConnectionHandle> handles = new CopyOnWriteArrayList<>();
    private final ManagedXAResource xaResource = new ManagedXAResource(this);
    private final ManagedLocalTransaction localTransaction = new ManagedLocalTransaction(this);
    private volatile boolean broken;
    private volatile boolean destroyed;
    private PrintWriter logWriter;

    private KeelManagedConnection(KeelManagedConnectionFactory factory, Credentials credentials,
                                  KeelXAConnection physical) {
        this.factory = factory;
        this.credentials = credentials;
        this.physical = physical;
    }

    /** Connects to the broker (the handshake checks the credentials) and starts the connection for receivers. */
    static KeelManagedConnection open(KeelManagedConnectionFactory factory, Credentials credentials)
            throws ResourceException {
        KeelXAConnectionFactory connections = factory.connectionFactory();
        KeelXAConnection physical;
        try {
            physical = (KeelXAConnection) (credentials.explicit()
                    ? connections.createXAConnection(credentials.user(), credentials.password())
                    : connections.createXAConnection());
        } catch (JMSException e) {
            throw new CommException("could not connect to " + factory.getBrokerURL() + ": " + e.getMessage(), e);
        }
        KeelManagedConnection managed = new KeelManagedConnection(factory, credentials, physical);
        try {
            physical.setExceptionListener(managed::connectionFailed);
            physical.start();
        } catch (JMSException e) {
            managed.closePhysical();
            throw new CommException("could not start the connection to " + factory.getBrokerURL() + ": "
                    + e.getMessage(), e);
        }
        return managed;
    }

    KeelManagedConnectionFactory factory() {
        return factory;
    }

    Credentials credentials() {
        return credentials;
    }

    KeelXAConnection physical() {
        return physical;
    }

    /** Still connected: the pool may hand it out again. */
    boolean isUsable() {
        return !broken && !destroyed;
    }

    // ---------------------------------------------------------------- handles

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        checkUsable();
        Credentials asked = Credentials.of(factory, subject, info);
        if (!asked.equals(credentials)) {
            // matchManagedConnections never pairs these; a server that does anyway must not get a wrong identity.
            throw new jakarta.resource.spi.SecurityException("this connection is signed on as " + credentials
                    + ", not " + asked);
        }
        ConnectionHandle handle = new ConnectionHandle(this);
        handles.add(handle);
        return handle;
    }

    /** Connection sharing: the server moves a handle from another managed connection to this one. */
    @Override
    public void associateConnection(Object connection) throws ResourceException {
        checkUsable();
        if (!(connection instanceof ConnectionHandle handle)) {
            throw new ResourceException("not a KeelMQ connection handle: " + connection);
        }
        handle.associate(this);
    }

    void attached(ConnectionHandle handle) {
        handles.add(handle);
    }

    void detached(ConnectionHandle handle) {
        handles.remove(handle);
    }

    /** The application closed a handle: the server may return this connection to the pool. */
    void handleClosed(ConnectionHandle handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionClosed(event);
        }
    }

    // ---------------------------------------------------------------- sessions

    /** A session for a handle, as the class comment says; {@code owned} ones are the handle's to close. */
    record SessionChoice(KeelSession session, boolean owned, int mode) {
    }

    synchronized SessionChoice sessionFor(int requestedMode) throws JMSException {
        if (xaResource.inBranch()) {
            return new SessionChoice(xaResource.session(), false, JMSContext.SESSION_TRANSACTED);
        }
        if (localTransaction.isActive()) {
            return new SessionChoice(localTransaction.session(), false, JMSContext.SESSION_TRANSACTED);
        }
        int mode = requestedMode == Session.DUPS_OK_ACKNOWLEDGE ? Session.DUPS_OK_ACKNOWLEDGE
                : Session.AUTO_ACKNOWLEDGE;
        return new SessionChoice((KeelSession) physical.createSession(false, mode), true, mode);
    }

    // ---------------------------------------------------------------- transactions

    @Override
    public XAResource getXAResource() throws ResourceException {
        checkUsable();
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() throws ResourceException {
        checkUsable();
        return localTransaction;
    }

    /** Only one kind of transaction at a time on one connection. */
    boolean inXaBranch() {
        return xaResource.inBranch();
    }

    boolean inLocalTransaction() {
        return localTransaction.isActive();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Back to the pool: handles still open are invalidated (their own sessions closed), and the shared transaction
     * sessions are closed when no transaction uses them, so nothing an application created on them (consumers that
     * would keep prefetching) survives into the next use.
     */
    @Override
    public void cleanup() throws ResourceException {
        for (ConnectionHandle handle : handles) {
            handle.invalidate();
        }
        handles.clear();
        synchronized (this) {
            xaResource.closeSessionIfIdle();
            localTransaction.closeSessionIfIdle();
        }
    }

    @Override
    public void destroy() {
        if (destroyed) {
            return;
        }
        destroyed = true;
        for (ConnectionHandle handle : handles) {
            handle.invalidate();
        }
        handles.clear();
        closePhysical();
        factory.destroyed(this);
    }

    private void closePhysical() {
        try {
            physical.close();
        } catch (JMSException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing a KeelMQ connection failed; it is dropped anyway", e);
        }
    }

    /** The broker connection is lost (or an XA call found the broker unreachable): out of the pool. */
    void connectionFailed(Exception cause) {
        if (broken || destroyed) {
            return;
        }
        broken = true;
        LOG.log(System.Logger.Level.WARNING, "KeelMQ connection to " + factory.getBrokerURL() + " failed: "
                + cause.getMessage());
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, cause);
        for (ConnectionEventListener listener : listeners) {
            listener.connectionErrorOccurred(event);
        }
    }

    private void checkUsable() throws ResourceException {
        if (destroyed) {
            throw new IllegalStateException("this managed connection is destroyed");
        }
        if (broken) {
            throw new CommException("the connection to " + factory.getBrokerURL() + " is lost");
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public ManagedConnectionMetaData getMetaData() throws ResourceException {
        checkUsable();
        return new MetaData(physical, credentials.explicit() ? credentials.user() : factory.getUser());
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public String toString() {
        return "KeelManagedConnection[" + physical + "]";
    }

    private record MetaData(KeelConnection connection, String user) implements ManagedConnectionMetaData {
        @Override
        public String getEISProductName() throws ResourceException {
            try {
                return metaData().getJMSProviderName();
            } catch (JMSException e) {
                throw new ResourceException(e.getMessage(), e);
            }
        }

        @Override
        public String getEISProductVersion() throws ResourceException {
            try {
                return metaData().getProviderVersion();
            } catch (JMSException e) {
                throw new ResourceException(e.getMessage(), e);
            }
        }

        /** No limit of the broker's own. */
        @Override
        public int getMaxConnections() {
            return 0;
        }

        @Override
        public String getUserName() {
            return user;
        }

        private jakarta.jms.ConnectionMetaData metaData() throws ResourceException {
            try {
                return connection.getMetaData();
            } catch (JMSException e) {
                throw new ResourceException(e.getMessage(), e);
            }
        }
    }
}
