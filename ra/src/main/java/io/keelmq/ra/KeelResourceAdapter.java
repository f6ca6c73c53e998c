package io.keelmq.ra;

import io.keelmq.jms.ClientThreads;
import io.keelmq.ra.inbound.InboundActivations;
import io.keelmq.ra.outbound.KeelManagedConnection;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;

import javax.transaction.xa.XAResource;
import java.util.Set;
import java.util.Timer;
import java.util.concurrent.ConcurrentHashMap;

/**
 * KeelMQ's resource adapter (Jakarta Connectors 2.1): one per deployment of keel.rar. Its configuration properties
 * (those of {@link ConnectionProperties}) are the defaults of inbound activations; outbound connection factories have
 * their own. {@link #stop()} deactivates every endpoint and closes every connection the adapter still holds, so an
 * undeploy leaves no KeelMQ connection or thread behind.
 */
public class KeelResourceAdapter extends ConnectionProperties implements ResourceAdapter {
    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(KeelResourceAdapter.class.getName());
    private static final long STOP_WAIT_MILLIS = 10_000;

    private final transient Set<KeelManagedConnection> managedConnections = ConcurrentHashMap.newKeySet();
    private transient volatile InboundActivations inbound;
    private transient volatile Timer timer;

    @Override
    public void start(BootstrapContext context) throws ResourceAdapterInternalException {
        try {
            timer = context.createTimer();
        } catch (UnavailableException e) {
            throw new ResourceAdapterInternalException("the server gave KeelMQ's resource adapter no timer (needed "
                    + "for reconnection back-off): " + e.getMessage(), e);
        }
        inbound = new InboundActivations(this, context.getWorkManager(), timer);
        LOG.log(System.Logger.Level.INFO, "KeelMQ resource adapter started; activations default to "
                + getBrokerURL());
    }

    @Override
    public void stop() {
        InboundActivations activations = inbound;
        if (activations != null) {
            activations.stopAll();
        }
        for (KeelManagedConnection connection : managedConnections) {
            connection.destroy();
        }
        managedConnections.clear();
        Timer t = timer;
        if (t != null) {
            t.cancel();
        }
        inbound = null;
        timer = null;
        awaitClientThreads();
        LOG.log(System.Logger.Level.INFO, "KeelMQ resource adapter stopped");
    }

    /**
     * The client's shared threads end with its last connection; wait for them so that a server checking for threads
     * left by the undeployed adapter finds none. Connections the application opened itself and never closed keep
     * them, which is worth a warning.
     */
    private static void awaitClientThreads() {
        try {
            if (!ClientThreads.awaitReleased(STOP_WAIT_MILLIS)) {
                LOG.log(System.Logger.Level.WARNING, "KeelMQ client threads are still in use " + STOP_WAIT_MILLIS
                        + " ms after the adapter closed its connections: a connection made outside the adapter "
                        + "(with keel-jms directly) is still open");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Outbound connections of this adapter's factories, so stop() can close those the server did not. */
    public void opened(KeelManagedConnection connection) {
        managedConnections.add(connection);
    }

    public void closed(KeelManagedConnection connection) {
        managedConnections.remove(connection);
    }

    @Override
    public void endpointActivation(MessageEndpointFactory endpoints, ActivationSpec spec) throws ResourceException {
        started().activate(endpoints, spec);
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory endpoints, ActivationSpec spec) {
        InboundActivations activations = inbound;
        if (activations != null) {
            activations.deactivate(endpoints, spec);
        }
    }

    /** For the transaction manager's recovery of the branches of transacted deliveries. */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) throws ResourceException {
        return started().xaResources(specs);
    }

    private InboundActivations started() throws ResourceException {
        InboundActivations activations = inbound;
        if (activations == null) {
            throw new jakarta.resource.spi.IllegalStateException("KeelMQ's resource adapter is not started");
        }
        return activations;
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
