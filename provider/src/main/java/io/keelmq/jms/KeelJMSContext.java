package io.keelmq.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.ConnectionMetaData;
import jakarta.jms.Destination;
import jakarta.jms.ExceptionListener;
import jakarta.jms.IllegalStateRuntimeException;
import jakarta.jms.JMSConsumer;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSProducer;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;

import java.io.Serializable;

import static io.keelmq.jms.JmsExceptionSupport.unchecked;

/**
 * The simplified API (spec 2.8): a connection and a session in one object, with unchecked exceptions. The session is
 * created on first use, so setClientID still works right after createContext (spec 6.1.2); the connection is started
 * by the first consumer unless autoStart is off (spec 8.4).
 */
public class KeelJMSContext implements JMSContext {
    private final SharedConnection shared;
    private final int sessionMode;
    private KeelSession session;
    private volatile boolean autoStart = true;
    private volatile boolean closed;

    KeelJMSContext(SharedConnection shared, int sessionMode) {
        this.shared = shared;
        this.sessionMode = sessionMode;
    }

    /**
     * For a container that owns the connection and chooses the session (the resource adapter's handles, spec 12.3):
     * the subclass supplies the session through {@link #openSession()} and decides in {@link #release(KeelSession)}
     * what closing the context gives back, so a pooled connection outlives the contexts made on it.
     */
    protected KeelJMSContext(KeelConnection connection, int sessionMode) {
        this(new SharedConnection(connection), sessionMode);
    }

    /** @throws JMSRuntimeException for an unknown session mode */
    static void checkSessionMode(int sessionMode) {
        if (sessionMode != JMSContext.AUTO_ACKNOWLEDGE && sessionMode != JMSContext.CLIENT_ACKNOWLEDGE
                && sessionMode != JMSContext.DUPS_OK_ACKNOWLEDGE && sessionMode != JMSContext.SESSION_TRANSACTED) {
            throw new JMSRuntimeException("invalid session mode " + sessionMode + "; use AUTO_ACKNOWLEDGE, "
                    + "CLIENT_ACKNOWLEDGE, DUPS_OK_ACKNOWLEDGE or SESSION_TRANSACTED");
        }
    }

    synchronized KeelSession session() {
        checkClosed();
        if (session == null) {
            session = openSession();
        }
        return session;
    }

    /** The context's session, created on first use. */
    protected KeelSession openSession() {
        return (KeelSession) unchecked(() -> connection().createSession(sessionMode));
    }

    protected KeelConnection connection() {
        return shared.connection();
    }

    // ---------------------------------------------------------------- connection-level

    @Override
    public JMSContext createContext(int mode) {
        checkClosed();
        checkSessionMode(mode);
        shared.acquire();
        return new KeelJMSContext(shared, mode);
    }

    @Override
    public String getClientID() {
        checkClosed();
        return unchecked(connection()::getClientID);
    }

    @Override
    public void setClientID(String clientID) {
        checkClosed();
        unchecked(() -> connection().setClientID(clientID));
    }

    @Override
    public ConnectionMetaData getMetaData() {
        checkClosed();
        return unchecked(connection()::getMetaData);
    }

    @Override
    public ExceptionListener getExceptionListener() {
        checkClosed();
        return unchecked(connection()::getExceptionListener);
    }

    @Override
    public void setExceptionListener(ExceptionListener listener) {
        checkClosed();
        unchecked(() -> connection().setExceptionListener(listener));
    }

    @Override
    public void start() {
        checkClosed();
        unchecked(connection()::start);
    }

    @Override
    public void stop() {
        checkClosed();
        unchecked(connection()::stop);
    }

    @Override
    public void setAutoStart(boolean value) {
        checkClosed();
        autoStart = value;
    }

    @Override
    public boolean getAutoStart() {
        checkClosed();
        return autoStart;
    }

    /** Closes the session; the last context of a connection closes the connection (spec 6.1.8). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        KeelSession own;
        synchronized (this) {
            own = session;
        }
        if (own != null && (DeliveryContext.listenerSession() == own || DeliveryContext.completionSession() == own)) {
            throw new IllegalStateRuntimeException("a listener must not close its own JMSContext");
        }
        closed = true;
        release(own);
    }

    /**
     * What closing the context gives back: its session (null if never used) and, when no other context shares it,
     * the connection. A container that owns the connection overrides this.
     */
    protected void release(KeelSession own) {
        if (own != null) {
            unchecked(own::close);
        }
        shared.release();
    }

    // ---------------------------------------------------------------- session-level

    @Override
    public JMSProducer createProducer() {
        checkClosed();
        return new KeelJMSProducer(this);
    }

    /**
     * A KeelMQ extension: a transactional producer, as {@link KeelSession#createTransactionalProducer}; its methods
     * throw checked JMSExceptions like the classic API's.
     *
     * @throws jakarta.jms.IllegalStateRuntimeException on a transacted context
     */
    public KeelTransactionalProducer createTransactionalProducer(Destination destination, String producerGroup,
                                                                 TransactionChecker checker) {
        checkClosed();
        return unchecked(() -> session().createTransactionalProducer(destination, producerGroup, checker));
    }

    @Override
    public BytesMessage createBytesMessage() {
        return unchecked(session()::createBytesMessage);
    }

    @Override
    public MapMessage createMapMessage() {
        return unchecked(session()::createMapMessage);
    }

    @Override
    public Message createMessage() {
        return unchecked(session()::createMessage);
    }

    @Override
    public ObjectMessage createObjectMessage() {
        return unchecked(() -> session().createObjectMessage());
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) {
        return unchecked(() -> session().createObjectMessage(object));
    }

    @Override
    public StreamMessage createStreamMessage() {
        return unchecked(session()::createStreamMessage);
    }

    @Override
    public TextMessage createTextMessage() {
        return unchecked(() -> session().createTextMessage());
    }

    @Override
    public TextMessage createTextMessage(String text) {
        return unchecked(() -> session().createTextMessage(text));
    }

    @Override
    public boolean getTransacted() {
        checkClosed();
        return sessionMode == JMSContext.SESSION_TRANSACTED;
    }

    @Override
    public int getSessionMode() {
        checkClosed();
        return sessionMode;
    }

    @Override
    public void commit() {
        unchecked(session()::commit);
    }

    @Override
    public void rollback() {
        unchecked(session()::rollback);
    }

    @Override
    public void recover() {
        unchecked(session()::recover);
    }

    /** Acknowledges every message the context's session consumed (CLIENT_ACKNOWLEDGE); ignored otherwise. */
    @Override
    public void acknowledge() {
        KeelSession s = session();
        unchecked(() -> {
            s.checkClosed();
            s.deliveries().acks().acknowledgeAll();
        });
    }

    @Override
    public JMSConsumer createConsumer(Destination destination) {
        return consumer(() -> session().createConsumer(destination));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String selector) {
        return consumer(() -> session().createConsumer(destination, selector));
    }

    @Override
    public JMSConsumer createConsumer(Destination destination, String selector, boolean noLocal) {
        return consumer(() -> session().createConsumer(destination, selector, noLocal));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal) {
        return consumer(() -> session().createDurableConsumer(topic, name, selector, noLocal));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedDurableConsumer(Topic topic, String name, String selector) {
        return consumer(() -> session().createSharedDurableConsumer(topic, name, selector));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String name) {
        return consumer(() -> session().createSharedConsumer(topic, name));
    }

    @Override
    public JMSConsumer createSharedConsumer(Topic topic, String name, String selector) {
        return consumer(() -> session().createSharedConsumer(topic, name, selector));
    }

    private JMSConsumer consumer(JmsExceptionSupport.JmsCall<MessageConsumer> create) {
        KeelMessageConsumer consumer = (KeelMessageConsumer) unchecked(create);
        if (autoStart) {
            unchecked(connection()::start);
        }
        return new KeelJMSConsumer(consumer);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) {
        return unchecked(() -> session().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) {
        return unchecked(() -> session().createBrowser(queue, selector));
    }

    @Override
    public Queue createQueue(String name) {
        return unchecked(() -> session().createQueue(name));
    }

    @Override
    public Topic createTopic(String name) {
        return unchecked(() -> session().createTopic(name));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() {
        return unchecked(session()::createTemporaryQueue);
    }

    @Override
    public TemporaryTopic createTemporaryTopic() {
        return unchecked(session()::createTemporaryTopic);
    }

    @Override
    public void unsubscribe(String name) {
        unchecked(() -> session().unsubscribe(name));
    }

    protected void checkClosed() {
        if (closed) {
            throw new IllegalStateRuntimeException("the JMSContext is closed");
        }
    }
}
