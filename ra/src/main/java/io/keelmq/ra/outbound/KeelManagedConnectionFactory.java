package io.keelmq.ra.outbound;

import io.keelmq.ra.ConnectionProperties;
import io.keelmq.ra.KeelResourceAdapter;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionManager;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionFactory;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterAssociation;

import javax.security.auth.Subject;
import java.io.PrintWriter;
import java.util.Set;

/**
 * Outbound connections (Jakarta Connectors 2.1 chapter 6): the application server pools the
 * {@link KeelManagedConnection}s this factory makes and hands the application {@link ConnectionFactoryHandle}s, which
 * implement {@code jakarta.jms.ConnectionFactory}, {@code QueueConnectionFactory} and {@code TopicConnectionFactory}
 * (ra.xml has one connection definition for each). The configuration properties are those of
 * {@link ConnectionProperties}: the names of {@code KeelConnectionFactory}'s bean properties.
 *
 * <p>Two factories with the same settings are equal, as the connector contract requires for pooling.
 */
public class KeelManagedConnectionFactory extends ConnectionProperties
        implements ManagedConnectionFactory, ResourceAdapterAssociation {
    private static final long serialVersionUID = 1L;

    private transient KeelResourceAdapter resourceAdapter;
    private transient PrintWriter logWriter;

    @Override
    public Object createConnectionFactory(ConnectionManager manager) {
        return new ConnectionFactoryHandle(this, manager);
    }

    /** Outside an application server (a "non-managed" environment): a new connection per request, no pooling. */
    @Override
    public Object createConnectionFactory() {
        return new ConnectionFactoryHandle(this, new UnpooledConnectionManager());
    }

    @Override
    public ManagedConnection createManagedConnection(Subject subject, ConnectionRequestInfo info)
            throws ResourceException {
        KeelManagedConnection connection = KeelManagedConnection.open(this, Credentials.of(this, subject, info));
        if (resourceAdapter != null) {
            resourceAdapter.opened(connection);
        }
        return connection;
    }

    /**
     * The first pooled connection that is healthy and signed on with the same credentials; the pool already holds
     * only connections of an equal factory, and one whose broker connection failed is never matched again.
     */
    @Override
    @SuppressWarnings("rawtypes")
    public ManagedConnection matchManagedConnections(Set candidates, Subject subject, ConnectionRequestInfo info) {
        Credentials wanted = Credentials.of(this, subject, info);
        for (Object candidate : candidates) {
            if (candidate instanceof KeelManagedConnection connection && connection.factory().equals(this)
                    && connection.credentials().equals(wanted) && connection.isUsable()) {
                return connection;
            }
        }
        return null;
    }

    /** Destroyed connections leave the adapter's list, so stop() closes only live ones. */
    void destroyed(KeelManagedConnection connection) {
        if (resourceAdapter != null) {
            resourceAdapter.closed(connection);
        }
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
    public ResourceAdapter getResourceAdapter() {
        return resourceAdapter;
    }

    @Override
    public void setResourceAdapter(ResourceAdapter adapter) throws ResourceException {
        if (!(adapter instanceof KeelResourceAdapter keel)) {
            throw new ResourceException("KeelMQ's managed connection factory belongs to KeelMQ's resource adapter, "
                    + "not to " + adapter);
        }
        if (this.resourceAdapter != null && this.resourceAdapter != keel) {
            throw new jakarta.resource.spi.IllegalStateException("the resource adapter of a managed connection "
                    + "factory is set once (Connectors 2.1, 6.5.3.1)");
        }
        this.resourceAdapter = keel;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeelManagedConnectionFactory other && sameSettings(other);
    }

    @Override
    public int hashCode() {
        return settingsHash();
    }

    @Override
    public String toString() {
        return "KeelManagedConnectionFactory[" + getBrokerURL() + "]";
    }
}
