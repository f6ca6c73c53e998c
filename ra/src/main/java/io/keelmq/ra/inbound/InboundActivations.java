package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.ra.ConnectionProperties;
import io.keelmq.ra.xa.ReconnectingXAResource;
import jakarta.resource.NotSupportedException;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkManager;

import javax.transaction.xa.XAResource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Timer;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The inbound side of one resource adapter: its active endpoints, keyed by (endpoint factory, activation spec) as
 * endpointDeactivation names them, and the XAResources it gave the transaction manager for recovery.
 */
public final class InboundActivations {
    private record Key(MessageEndpointFactory endpoints, ActivationSpec spec) {
    }

    private final ConnectionProperties adapterSettings;
    private final WorkManager workManager;
    private final Timer timer;
    private final Map<Key, Activation> active = new ConcurrentHashMap<>();
    /**
     * Recovery resources by what their connection signs on to (URL and options, without the client id): a transaction
     * manager may ask for them at every scan, and each holds a connection until the adapter stops.
     */
    private final Map<Map<String, String>, ReconnectingXAResource> recovery = new ConcurrentHashMap<>();

    public InboundActivations(ConnectionProperties adapterSettings, WorkManager workManager, Timer timer) {
        this.adapterSettings = adapterSettings;
        this.workManager = workManager;
        this.timer = timer;
    }

    /**
     * Validates the spec, resolves its lookups and starts connecting (in the background: a broker that is down is
     * retried until deactivation).
     *
     * @throws ResourceException if the spec is invalid, a lookup fails, or the endpoint is not a MessageListener
     */
    public void activate(MessageEndpointFactory endpoints, ActivationSpec spec) throws ResourceException {
        KeelActivationSpec keel = keelSpec(spec);
        keel.validate();
        ActivationTarget target = ActivationTarget.resolve(adapterSettings, keel);
        Activation activation;
        try {
            activation = new Activation(endpoints, keel, target, workManager, timer);
        } catch (NoSuchMethodException e) {
            throw new NotSupportedException("the endpoint has no onMessage(jakarta.jms.Message): " + e.getMessage());
        }
        if (active.putIfAbsent(new Key(endpoints, spec), activation) != null) {
            throw new jakarta.resource.spi.IllegalStateException("this endpoint is already activated with this "
                    + "activation spec");
        }
        activation.start();
    }

    /** Stops the endpoint's deliveries (those in progress finish first); unknown pairs are ignored. */
    public void deactivate(MessageEndpointFactory endpoints, ActivationSpec spec) {
        Activation activation = active.remove(new Key(endpoints, spec));
        if (activation != null) {
            activation.stop();
        }
    }

    /**
     * One recovery resource per broker and user among the specs (recover lists every branch of the broker, whichever
     * destination), connecting when the transaction manager first uses it; the same one on every later call. It
     * signs on without the spec's client id, which the activation's own connection may hold.
     */
    public XAResource[] xaResources(ActivationSpec[] specs) throws ResourceException {
        Set<XAResource> resources = new LinkedHashSet<>();
        for (ActivationSpec spec : specs == null ? new ActivationSpec[0] : specs) {
            KeelXAConnectionFactory factory = ActivationTarget.factory(adapterSettings, keelSpec(spec));
            factory.setClientID(null);
            Map<String, String> signOn = new TreeMap<>(factory.getOptions().toProperties());
            signOn.put("brokerURL", factory.getBrokerURL());
            resources.add(recovery.computeIfAbsent(signOn, key -> new ReconnectingXAResource(factory)));
        }
        return resources.toArray(new XAResource[0]);
    }

    /** The adapter stops: every activation, every recovery connection. */
    public void stopAll() {
        for (Key key : List.copyOf(active.keySet())) {
            deactivate(key.endpoints(), key.spec());
        }
        for (ReconnectingXAResource resource : recovery.values()) {
            resource.close();
        }
        recovery.clear();
    }

    private static KeelActivationSpec keelSpec(ActivationSpec spec) throws NotSupportedException {
        if (!(spec instanceof KeelActivationSpec keel)) {
            throw new NotSupportedException("not a KeelMQ activation spec: " + spec);
        }
        return keel;
    }
}
