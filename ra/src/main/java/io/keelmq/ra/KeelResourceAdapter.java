package io.keelmq.ra;

import io.keelmq.ra.outbound.KeelManagedConnection;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAResource;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KeelMQ's resource adapter (Jakarta Connectors 2.1): one per deployment of keel.rar. Its configuration properties
 * (those of {@link ConnectionProperties}) are the defaults of inbound activations; outbound connection factories have
 * their own. {@link #stop()} closes every connection the adapter still holds, so an undeploy leaves no KeelMQ
 * connection or thread behind.
 */
public class KeelResourceAdapter extends ConnectionProperties implements ResourceAdapter {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(KeelResourceAdapter.class.getName());

    private final transient Set<KeelManagedConnection> managedConnections = ConcurrentHashMap.newKeySet();
    private transient volatile BootstrapContext bootstrap;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        this.bootstrap = context;
        LOG.log(System.Logger.Level.INFO, "KeelMQ resource adapter started (inbound default " + getBrokerURL() + ")");
    }

    @Override
    public void stop() {
        for (KeelManagedConnection connection : managedConnections) {
            connection.destroy();
        }
        managedConnections.clear();
        bootstrap = null;
        LOG.log(System.Logger.Level.INFO, "KeelMQ resource adapter stopped");
    }

    /** Outbound connections of this adapter's factories, so stop() can close those the server did not. */
    public void opened(KeelManagedConnection connection) {
        managedConnections.add(connection);
    }

    public void closed(KeelManagedConnection connection) {
        managedConnections.remove(connection);
    }

    BootstrapContext bootstrap() {
        return bootstrap;
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpoints, ActivationSpec spec) throws ResourceException {
        throw new NotSupportedException("this build of keel.rar declares no message listener");
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpoints, ActivationSpec spec) {
    }

    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        return new XAResource[0];
    }

    /** One adapter per deployment: identity, as the connector contract expects of a JavaBean with settings. */
    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
