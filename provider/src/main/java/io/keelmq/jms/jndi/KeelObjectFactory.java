package io.keelmq.jms.jndi;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelQueue;
import io.keelmq.jms.KeelTopic;
import io.keelmq.jms.KeelXAConnectionFactory;
import jakarta.jms.JMSException;

import javax.naming.Context;
import javax.naming.Name;
import javax.naming.NamingException;
import javax.naming.RefAddr;
import javax.naming.Reference;
import javax.naming.spi.ObjectFactory;
import java.util.Enumeration;
import java.util.Hashtable;

/**
 * Rebuilds KeelMQ administered objects from the {@link Reference}s they bind as ({@code getReference()}), so any
 * JNDI provider that stores references (an LDAP server, an application server's naming service) can hold them.
 */
public class KeelObjectFactory implements ObjectFactory {
    /** The address holding a destination's physical name. */
    public static final String NAME_ADDRESS = "name";

    @Override
    public Object getObjectInstance(Object obj, Name name, Context nameCtx, Hashtable<?, ?> environment)
            throws Exception {
        if (!(obj instanceof Reference reference)) {
            return null;
        }
        String className = reference.getClassName();
        if (KeelQueue.class.getName().equals(className)) {
            return new KeelQueue(address(reference, NAME_ADDRESS));
        }
        if (KeelTopic.class.getName().equals(className)) {
            return new KeelTopic(address(reference, NAME_ADDRESS));
        }
        if (KeelConnectionFactory.class.getName().equals(className)) {
            return connectionFactory(new KeelConnectionFactory(), reference);
        }
        if (KeelXAConnectionFactory.class.getName().equals(className)) {
            return connectionFactory(new KeelXAConnectionFactory(), reference);
        }
        return null;
    }

    private static KeelConnectionFactory connectionFactory(KeelConnectionFactory factory, Reference reference)
            throws NamingException {
        try {
            factory.setBrokerURL(address(reference, KeelConnectionFactory.BROKER_URL_ADDRESS));
            for (Enumeration<RefAddr> addresses = reference.getAll(); addresses.hasMoreElements(); ) {
                RefAddr address = addresses.nextElement();
                if (!KeelConnectionFactory.BROKER_URL_ADDRESS.equals(address.getType())) {
                    factory.setOption(address.getType(), String.valueOf(address.getContent()));
                }
            }
        } catch (JMSException e) {
            NamingException ne = new NamingException("cannot rebuild a " + reference.getClassName() + ": " + e.getMessage());
            ne.setRootCause(e);
            throw ne;
        }
        return factory;
    }

    private static String address(Reference reference, String type) throws NamingException {
        RefAddr address = reference.get(type);
        if (address == null || address.getContent() == null) {
            throw new NamingException("reference to " + reference.getClassName() + " lacks its '" + type
                    + "' address");
        }
        return address.getContent().toString();
    }
}
