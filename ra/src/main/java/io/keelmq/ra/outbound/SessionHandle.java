package io.keelmq.ra.outbound;

import io.keelmq.jms.KeelSession;
import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.MessageProducer;
import jakarta.jms.ObjectMessage;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.QueueSession;
import jakarta.jms.Session;
import jakarta.jms.StreamMessage;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.TextMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSession;
import jakarta.jms.TopicSubscriber;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The session an application gets from a {@link ConnectionHandle}: the managed connection's transaction session
 * (shared, not closed by the application) or a session of the handle's own. Closing it closes the producers,
 * consumers and browsers made through it, and the session itself only if it is the handle's own; the listener methods
 * that spec 12.2 reserves for the container are refused.
 */
public final class SessionHandle implements Session, QueueSession, TopicSession {
    private final ConnectionHandle connection;
    private final KeelSession session;
    private final boolean owned;
    private final List<AutoCloseable> children = new ArrayList<>();
    private volatile boolean closed;

    SessionHandle(ConnectionHandle connection, KeelSession session, boolean owned) {
        this.connection = connection;
        this.session = session;
        this.owned = owned;
    }

    boolean isClosed() {
        return closed;
    }

    /** The provider session underneath (for the simplified API's context handle). */
    KeelSession session() {
        return session;
    }

    private KeelSession open() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
        connection.checkOpen();
        return session;
    }

    private <T extends AutoCloseable> T track(T child) {
        synchronized (children) {
            children.add(child);
        }
        return child;
    }

    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> toClose;
        synchronized (children) {
            toClose = new ArrayList<>(children);
            children.clear();
        }
        JMSException first = null;
        for (AutoCloseable child : toClose) {
            try {
                child.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof JMSException j ? j : wrap(e);
                }
            }
        }
        if (owned) {
            session.close();
        }
        connection.sessionClosed(this);
        if (first != null) {
            throw first;
        }
    }

    private static JMSException wrap(Exception e) {
        JMSException j = new JMSException(e.getMessage());
        j.setLinkedException(e);
        j.initCause(e);
        return j;
    }

    // ---------------------------------------------------------------- messages

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        return open().createBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        return open().createMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        return open().createMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        return open().createObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        return open().createObjectMessage(object);
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        return open().createStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        return open().createTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        return open().createTextMessage(text);
    }

    // ---------------------------------------------------------------- transaction and acknowledgement

    @Override
    public boolean getTransacted() throws JMSException {
        return open().getTransacted();
    }

    @Override
    public int getAcknowledgeMode() throws JMSException {
        return open().getAcknowledgeMode();
    }

    /** An XA session refuses (its transaction manager decides), a non-transacted one too, as the API says. */
    @Override
    public void commit() throws JMSException {
        open().commit();
    }

    @Override
    public void rollback() throws JMSException {
        open().rollback();
    }

    @Override
    public void recover() throws JMSException {
        open().recover();
    }

    // ---------------------------------------------------------------- reserved for the container (spec 12.2)

    @Override
    public MessageListener getMessageListener() throws JMSException {
        open();
        throw ConnectionHandle.reserved("Session.getMessageListener", "");
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        open();
        throw ConnectionHandle.reserved("Session.setMessageListener", "; use a message-driven bean");
    }

    /** Session.run has no checked exception: the refusal is a runtime one. */
    @Override
    public void run() {
        throw new jakarta.jms.IllegalStateRuntimeException("Session.run() is for application servers, not for an "
                + "application in a Jakarta EE web or enterprise bean container (spec 12.2)");
    }

    // ---------------------------------------------------------------- producers, consumers, browsers

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        return track(open().createProducer(destination));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return track(open().createConsumer(destination));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector) throws JMSException {
        return track(open().createConsumer(destination, selector));
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector, boolean noLocal)
            throws JMSException {
        return track(open().createConsumer(destination, selector, noLocal));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name) throws JMSException {
        return track(open().createSharedConsumer(topic, name));
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name, String selector) throws JMSException {
        return track(open().createSharedConsumer(topic, name, selector));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return track(open().createDurableSubscriber(topic, name));
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        return track(open().createDurableSubscriber(topic, name, selector, noLocal));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return track(open().createDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        return track(open().createDurableConsumer(topic, name, selector, noLocal));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return track(open().createSharedDurableConsumer(topic, name));
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String selector)
            throws JMSException {
        return track(open().createSharedDurableConsumer(topic, name, selector));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return track(open().createBrowser(queue));
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) throws JMSException {
        return track(open().createBrowser(queue, selector));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return track(open().createReceiver(queue));
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String selector) throws JMSException {
        return track(open().createReceiver(queue, selector));
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        return track(open().createSender(queue));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return track(open().createSubscriber(topic));
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String selector, boolean noLocal) throws JMSException {
        return track(open().createSubscriber(topic, selector, noLocal));
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        return track(open().createPublisher(topic));
    }

    // ---------------------------------------------------------------- destinations

    @Override
    public void unsubscribe(String name) throws JMSException {
        open().unsubscribe(name);
    }

    @Override
    public Queue createQueue(String name) throws JMSException {
        return open().createQueue(name);
    }

    @Override
    public Topic createTopic(String name) throws JMSException {
        return open().createTopic(name);
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        return open().createTemporaryQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        return open().createTemporaryTopic();
    }

    @Override
    public String toString() {
        return "SessionHandle[" + session + (owned ? "" : ", shared") + (closed ? ", closed" : "") + "]";
    }
}
