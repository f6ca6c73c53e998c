package io.keelmq.ra.testing;

import javax.naming.Context;
import javax.naming.InitialContext;
import javax.naming.NameNotFoundException;
import javax.naming.NamingException;
import javax.naming.spi.InitialContextFactory;
import java.lang.reflect.Proxy;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A JNDI namespace for tests (what a server's java: namespace is to an activation's lookups): install() makes it the
 * InitialContext of this JVM; bind() puts objects in it.
 */
public final class TestJndi implements InitialContextFactory {
    private static final Map<String, Object> BOUND = new ConcurrentHashMap<>();

    public static void install() {
        System.setProperty(Context.INITIAL_CONTEXT_FACTORY, TestJndi.class.getName());
    }

    public static void uninstall() {
        System.clearProperty(Context.INITIAL_CONTEXT_FACTORY);
        BOUND.clear();
    }

    public static void bind(String name, Object value) {
        BOUND.put(name, value);
    }

    @Override
    public Context getInitialContext(Hashtable<?, ?> environment) {
        return (Context) Proxy.newProxyInstance(TestJndi.class.getClassLoader(), new Class<?>[]{Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "lookup" -> {
                        Object found = BOUND.get(String.valueOf(args[0]));
                        if (found == null) {
                            throw new NameNotFoundException(args[0] + " is not bound");
                        }
                        yield found;
                    }
                    case "close" -> null;
                    case "toString" -> "TestJndi";
                    default -> throw new NamingException(method.getName() + " is not supported by TestJndi");
                });
    }

    /** For tests that look things up themselves. */
    public static Object lookup(String name) throws NamingException {
        return new InitialContext().lookup(name);
    }
}
