package io.keelmq.jms.jndi;

import javax.naming.Binding;
import javax.naming.CompositeName;
import javax.naming.Context;
import javax.naming.Name;
import javax.naming.NameClassPair;
import javax.naming.NameNotFoundException;
import javax.naming.NameParser;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.NotContextException;
import javax.naming.OperationNotSupportedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Hashtable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A flat, read-only naming context over a fixed map of names to objects. Names are looked up exactly as bound
 * ("jms/orders" is one name, not a path); every attempt to change the bindings fails with
 * {@link OperationNotSupportedException}, because they come from configuration, not from the application.
 */
final class ReadOnlyContext implements Context {
    private static final NameParser PARSER = CompositeName::new;

    private final Hashtable<String, Object> environment;
    private final Map<String, Object> bindings;

    ReadOnlyContext(Hashtable<String, Object> environment, Map<String, Object> bindings) {
        this.environment = environment;
        this.bindings = Collections.unmodifiableMap(bindings);
    }

    @Override
    public Object lookup(String name) throws NamingException {
        if (name == null || name.isEmpty()) {
            return new ReadOnlyContext(new Hashtable<>(environment), bindings);
        }
        Object object = bindings.get(name);
        if (object == null) {
            throw new NameNotFoundException("'" + name + "' is not bound; bound names: " + bindings.keySet());
        }
        return object;
    }

    @Override
    public Object lookup(Name name) throws NamingException {
        return lookup(name.toString());
    }

    @Override
    public Object lookupLink(String name) throws NamingException {
        return lookup(name);
    }

    @Override
    public Object lookupLink(Name name) throws NamingException {
        return lookup(name);
    }

    @Override
    public NamingEnumeration<NameClassPair> list(String name) throws NamingException {
        requireThisContext(name);
        List<NameClassPair> pairs = new ArrayList<>();
        bindings.forEach((n, o) -> pairs.add(new NameClassPair(n, o.getClass().getName())));
        return new ListEnumeration<>(pairs);
    }

    @Override
    public NamingEnumeration<NameClassPair> list(Name name) throws NamingException {
        return list(name.toString());
    }

    @Override
    public NamingEnumeration<Binding> listBindings(String name) throws NamingException {
        requireThisContext(name);
        List<Binding> list = new ArrayList<>();
        bindings.forEach((n, o) -> list.add(new Binding(n, o)));
        return new ListEnumeration<>(list);
    }

    @Override
    public NamingEnumeration<Binding> listBindings(Name name) throws NamingException {
        return listBindings(name.toString());
    }

    private void requireThisContext(String name) throws NamingException {
        if (name != null && !name.isEmpty()) {
            if (bindings.containsKey(name)) {
                throw new NotContextException("'" + name + "' is an object, not a context");
            }
            throw new NameNotFoundException("'" + name + "' is not bound");
        }
    }

    @Override
    public void bind(Name name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void bind(String name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rebind(Name name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rebind(String name, Object obj) throws NamingException {
        throw readOnly();
    }

    @Override
    public void unbind(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void unbind(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rename(Name oldName, Name newName) throws NamingException {
        throw readOnly();
    }

    @Override
    public void rename(String oldName, String newName) throws NamingException {
        throw readOnly();
    }

    @Override
    public void destroySubcontext(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public void destroySubcontext(String name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Context createSubcontext(Name name) throws NamingException {
        throw readOnly();
    }

    @Override
    public Context createSubcontext(String name) throws NamingException {
        throw readOnly();
    }

    private static OperationNotSupportedException readOnly() {
        return new OperationNotSupportedException("the KeelMQ JNDI context is read-only; bind objects with "
                + "connectionFactory.*, queue.* and topic.* properties");
    }

    @Override
    public NameParser getNameParser(Name name) {
        return PARSER;
    }

    @Override
    public NameParser getNameParser(String name) {
        return PARSER;
    }

    @Override
    public Name composeName(Name name, Name prefix) throws NamingException {
        return ((Name) prefix.clone()).addAll(name);
    }

    @Override
    public String composeName(String name, String prefix) {
        return prefix == null || prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The environment belongs to this context instance; changing it does not change the bindings. */
    @Override
    public Object addToEnvironment(String propName, Object propVal) {
        return environment.put(propName, propVal);
    }

    @Override
    public Object removeFromEnvironment(String propName) {
        return environment.remove(propName);
    }

    @Override
    public Hashtable<?, ?> getEnvironment() {
        return new Hashtable<>(environment);
    }

    @Override
    public void close() {
    }

    @Override
    public String getNameInNamespace() {
        return "";
    }

    private static final class ListEnumeration<T> implements NamingEnumeration<T> {
        private final Iterator<T> iterator;

        ListEnumeration(List<T> items) {
            this.iterator = items.iterator();
        }

        @Override
        public T next() {
            return nextElement();
        }

        @Override
        public boolean hasMore() {
            return iterator.hasNext();
        }

        @Override
        public void close() {
        }

        @Override
        public boolean hasMoreElements() {
            return iterator.hasNext();
        }

        @Override
        public T nextElement() {
            if (!iterator.hasNext()) {
                throw new NoSuchElementException();
            }
            return iterator.next();
        }
    }
}
