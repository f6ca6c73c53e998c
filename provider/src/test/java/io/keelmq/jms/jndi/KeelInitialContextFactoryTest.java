package io.keelmq.jms.jndi;

import io.keelmq.jms.KeelConnectionFactory;
import io.keelmq.jms.KeelQueue;
import io.keelmq.jms.KeelXAConnectionFactory;
import io.keelmq.jms.KeelTopic;
import jakarta.jms.ConnectionFactory;
import org.junit.jupiter.api.Test;

import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.OperationNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeelInitialContextFactoryTest {

    private static Context context(String... keyValues) throws NamingException {
        Hashtable<String, String> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, KeelInitialContextFactory.class.getName());
        for (int i = 0; i < keyValues.length; i += 2) {
            env.put(keyValues[i], keyValues[i + 1]);
        }
        return new InitialContext(env);
    }

    @Test
    void withoutConnectionFactoryEntriesTheThreeDefaultNamesAreBound() throws Exception {
        Context ctx = context(Context.PROVIDER_URL, "keel://broker:1234");
        for (String name : KeelInitialContextFactory.DEFAULT_CONNECTION_FACTORY_NAMES) {
            KeelConnectionFactory factory = (KeelConnectionFactory) ctx.lookup(name);
            assertEquals("keel://broker:1234", factory.getBrokerURL());
        }
        assertNotSame(ctx.lookup("ConnectionFactory"), ctx.lookup("TopicConnectionFactory"));
        KeelConnectionFactory byDefault = (KeelConnectionFactory) context().lookup("ConnectionFactory");
        assertEquals("keel://127.0.0.1:10911", byDefault.getBrokerURL());
    }

    @Test
    void connectionFactoryQueueAndTopicEntriesBindObjects() throws Exception {
        Context ctx = context(Context.PROVIDER_URL, "keel://default:1",
                "connectionFactory.mine", "keel://other:2?clientID=c",
                "connectionFactory.plain", "",
                "queue.jms/orders", "ORDERS.IN",
                "queue.sameName", "",
                "topic.prices", "");
        KeelConnectionFactory mine = (KeelConnectionFactory) ctx.lookup("mine");
        assertEquals("c", mine.getClientID());
        assertEquals("keel://default:1", ((KeelConnectionFactory) ctx.lookup("plain")).getBrokerURL());
        assertEquals(new KeelQueue("ORDERS.IN"), ctx.lookup("jms/orders"));
        assertEquals(new KeelQueue("sameName"), ctx.lookup("sameName"));
        assertEquals(new KeelTopic("prices"), ctx.lookup("prices"));
        assertThrows(NameNotFoundException.class, () -> ctx.lookup("ConnectionFactory"),
                "no defaults once factories are configured");
        assertInstanceOf(ConnectionFactory.class, ctx.lookup("mine"));
    }

    @Test
    void xaConnectionFactoryEntriesBindXaFactories() throws Exception {
        Context ctx = context(Context.PROVIDER_URL, "keel://default:1",
                "xaConnectionFactory.jms/xa", "keel://other:2?clientID=x",
                "xaConnectionFactory.xaDefault", "");
        KeelXAConnectionFactory xa = (KeelXAConnectionFactory) ctx.lookup("jms/xa");
        assertEquals("x", xa.getClientID());
        assertEquals("keel://default:1", ((KeelXAConnectionFactory) ctx.lookup("xaDefault")).getBrokerURL());
        assertInstanceOf(jakarta.jms.XAQueueConnectionFactory.class, ctx.lookup("xaDefault"));
        assertInstanceOf(jakarta.jms.XATopicConnectionFactory.class, ctx.lookup("xaDefault"));
    }

    @Test
    void theContextIsListableAndReadOnly() throws Exception {
        Context ctx = context("queue.a", "", "topic.b", "");
        List<String> names = new ArrayList<>();
        for (NameClassPair pair : Collections.list(ctx.list(""))) {
            names.add(pair.getName());
        }
        assertTrue(names.containsAll(List.of("a", "b", "ConnectionFactory")), names.toString());
        assertEquals(5, Collections.list(ctx.listBindings("")).size());
        assertThrows(OperationNotSupportedException.class, () -> ctx.bind("x", new KeelQueue("x")));
        assertThrows(OperationNotSupportedException.class, () -> ctx.unbind("a"));
        assertThrows(NameNotFoundException.class, () -> ctx.lookup("missing"));
        assertInstanceOf(Context.class, ctx.lookup(""));
    }

    @Test
    void aBadUrlIsANamingExceptionNamingTheProperty() {
        NamingException e = assertThrows(NamingException.class,
                () -> context("connectionFactory.bad", "keel://h?nonsense=1"));
        assertTrue(e.getMessage().contains("connectionFactory.bad"), e.getMessage());
        assertTrue(e.getMessage().contains("nonsense"), e.getMessage());
        assertThrows(NamingException.class, () -> context("queue.", "x"));
    }
}
