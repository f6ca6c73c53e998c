package io.keelmq.jms.jndi;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.jms.KeelQueue;
import io.keelmq.jms.KeelTopic;
import io.keelmq.jms.provider.BrokerURL;
import jakarta.jms.JMSException;

import javax.naming.Context;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JNDI context built from properties alone (ARCHITECTURE.md, "JNDI"), for Java SE applications:
 * <pre>
 * java.naming.factory.initial = io.keelmq.jms.jndi.KeelInitialContextFactory
 * java.naming.provider.url    = keel://broker:10911          (the default URL)
 * connectionFactory.myCF      = keel://broker:10911?clientID=a (empty: the default URL)
 * xaConnectionFactory.myXACF  = keel://broker:10911          (a KeelXAConnectionFactory; empty: the default URL)
 * queue.orders                = orders                       (empty: the JNDI name itself)
 * topic.prices                = prices
 * </pre>
 * Without any {@code connectionFactory.} entry it binds {@code ConnectionFactory}, {@code QueueConnectionFactory}
 * and {@code TopicConnectionFactory} to the default URL, as ActiveMQ Artemis does. The context is read-only.
 */
public class KeelInitialContextFactory implements InitialContextFactory {
    public static final String CONNECTION_FACTORY_PREFIX = "connectionFactory.";
    public static final String XA_CONNECTION_FACTORY_PREFIX = "xaConnectionFactory.";
    public static final String QUEUE_PREFIX = "queue.";
    public static final String TOPIC_PREFIX = "topic.";
    public static final List<String> DEFAULT_CONNECTION_FACTORY_NAMES =
            List.of("ConnectionFactory", "QueueConnectionFactory", "TopicConnectionFactory");

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) throws NamingException {
        Map<String, String> env = new LinkedHashMap<>();
        if (environment != null) {
            environment.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        }
        String providerUrl = env.get(Context.PROVIDER_URL);
        String defaultUrl = providerUrl == null || providerUrl.isBlank() ? BrokerURL.DEFAULT : providerUrl.trim();
        Map<String, Object> bindings = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : env.entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue().trim();
            if (key.startsWith(CONNECTION_FACTORY_PREFIX)) {
                bind(bindings, key, CONNECTION_FACTORY_PREFIX,
                        connectionFactory(key, value.isEmpty() ? defaultUrl : value));
            } else if (key.startsWith(XA_CONNECTION_FACTORY_PREFIX)) {
                bind(bindings, key, XA_CONNECTION_FACTORY_PREFIX,
                        xaConnectionFactory(key, value.isEmpty() ? defaultUrl : value));
            } else if (key.startsWith(QUEUE_PREFIX)) {
                String name = key.substring(QUEUE_PREFIX.length());
                bind(bindings, key, QUEUE_PREFIX, name.isEmpty() ? null : new KeelQueue(value.isEmpty() ? name : value));
            } else if (key.startsWith(TOPIC_PREFIX)) {
                String name = key.substring(TOPIC_PREFIX.length());
                bind(bindings, key, TOPIC_PREFIX, name.isEmpty() ? null : new KeelTopic(value.isEmpty() ? name : value));
            }
        }
        boolean anyFactory = env.keySet().stream().anyMatch(k -> k.startsWith(CONNECTION_FACTORY_PREFIX));
        if (!anyFactory) {
            for (String name : DEFAULT_CONNECTION_FACTORY_NAMES) {
                bindings.put(name, connectionFactory(Context.PROVIDER_URL, defaultUrl));
            }
        }
        Hashtable<String, Object> contextEnvironment = new Hashtable<>(env);
        return new ReadOnlyContext(contextEnvironment, bindings);
    }

    private static void bind(Map<String, Object> bindings, String key, String prefix, Object object)
            throws NamingException {
        String name = key.substring(prefix.length());
        if (name.isEmpty() || object == null) {
            throw new NamingException("property '" + key + "' names no JNDI name after '" + prefix + "'");
        }
        bindings.put(name, object);
    }

    private static KeelConnectionFactory xaConnectionFactory(String key, String url) throws NamingException {
        return connectionFactory(key, url, true);
    }

    private static KeelConnectionFactory connectionFactory(String key, String url) throws NamingException {
        return connectionFactory(key, url, false);
    }

    private static KeelConnectionFactory connectionFactory(String key, String url, boolean xa) throws NamingException {
        try {
            return xa ? new KeelXAConnectionFactory(url) : new KeelConnectionFactory(url);
        } catch (JMSException e) {
            NamingException ne = new NamingException("property '" + key + "': " + e.getMessage());
            ne.setRootCause(e);
            throw ne;
        }
    }
}
