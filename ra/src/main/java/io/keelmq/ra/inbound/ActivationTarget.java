package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelQueue;
import io.keelmq.jms.KeelTopic;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.ra.ConnectionProperties;
import io.keelmq.ra.outbound.ConnectionFactoryHandle;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Topic;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.InvalidPropertyException;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import java.util.Map;

/**
 * What an activation connects to and receives from, resolved once when the endpoint is activated: the client
 * factory (the adapter's settings, or those of the connection factory {@code connectionFactoryLookup} names, with the
 * activation's user, password and clientId on top) and the destination ({@code destinationLookup}, or
 * {@code destination} with {@code destinationType}).
 */
record ActivationTarget(KeelXAConnectionFactory factory, Destination destination, boolean topic) {

    static ActivationTarget resolve(ConnectionProperties adapterSettings, KeelActivationSpec spec)
            throws ResourceException {
        Destination destination = destination(spec);
        return new ActivationTarget(factory(adapterSettings, spec), destination, isTopic(destination));
    }

    /** The client factory alone, for recovery (getXAResources). */
    static KeelXAConnectionFactory factory(ConnectionProperties adapterSettings, KeelActivationSpec spec)
            throws ResourceException {
        KeelXAConnectionFactory factory;
        if (spec.getConnectionFactoryLookup() != null) {
            Object found = lookup(spec.getConnectionFactoryLookup(), "connectionFactoryLookup");
            if (found instanceof ConnectionFactoryHandle handle) {
                factory = handle.managedConnectionFactory().connectionFactory();
            } else if (found instanceof KeelConnectionFactory keel) {
                factory = copy(keel);
            } else {
                throw new InvalidPropertyException("connectionFactoryLookup '" + spec.getConnectionFactoryLookup()
                        + "' names " + describe(found) + ", not a KeelMQ connection factory (an outbound connection "
                        + "factory of keel.rar or an io.keelmq.jms.KeelConnectionFactory)");
            }
        } else {
            factory = adapterSettings.connectionFactory();
        }
        if (spec.getUser() != null) {
            factory.setUser(spec.getUser());
            factory.setPassword(spec.getPassword());
        }
        if (spec.getClientId() != null) {
            factory.setClientID(spec.getClientId());
        }
        return factory;
    }

    private static KeelXAConnectionFactory copy(KeelConnectionFactory source) throws ResourceException {
        try {
            KeelXAConnectionFactory copy = new KeelXAConnectionFactory(source.getBrokerURL());
            for (Map.Entry<String, String> option : source.getOptions().toProperties().entrySet()) {
                copy.setOption(option.getKey(), option.getValue());
            }
            return copy;
        } catch (JMSException e) {
            throw new ResourceException("the looked-up connection factory's settings were refused: "
                    + e.getMessage(), e);
        }
    }

    private static Destination destination(KeelActivationSpec spec) throws ResourceException {
        String declaredType = KeelActivationSpec.parseDestinationType(spec.getDestinationType());
        if (spec.getDestinationLookup() != null) {
            Object found = lookup(spec.getDestinationLookup(), "destinationLookup");
            if (!(found instanceof Queue) && !(found instanceof Topic)) {
                throw new InvalidPropertyException("destinationLookup '" + spec.getDestinationLookup() + "' names "
                        + describe(found) + ", not a jakarta.jms.Queue or Topic");
            }
            if (declaredType != null && isTopic((Destination) found) != declaredType.equals(KeelActivationSpec.TOPIC)) {
                throw new InvalidPropertyException("destinationLookup '" + spec.getDestinationLookup() + "' names "
                        + describe(found) + " but destinationType is " + declaredType);
            }
            return (Destination) found;
        }
        return KeelActivationSpec.TOPIC.equals(declaredType) ? new KeelTopic(spec.getDestination())
                : new KeelQueue(spec.getDestination());
    }

    private static boolean isTopic(Destination destination) {
        return destination instanceof Topic && !(destination instanceof Queue);
    }

    private static Object lookup(String name, String property) throws ResourceException {
        try {
            InitialContext context = new InitialContext();
            try {
                return context.lookup(name);
            } finally {
                context.close();
            }
        } catch (NamingException e) {
            throw new InvalidPropertyException(property + " '" + name + "' could not be looked up: " + e, e);
        }
    }

    private static String describe(Object found) {
        return found == null ? "nothing" : "a " + found.getClass().getName();
    }
}
