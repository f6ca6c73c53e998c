package io.keelmq.ra.inbound;

import io.keelmq.jms.KeelXAConnection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.Topic;
import jakarta.jms.XASession;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.UnavailableException;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.Work;

import java.lang.reflect.Method;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One of an activation's maxSession sessions, run as one long Work on the server's WorkManager: it receives a
 * message, then calls the endpoint's beforeDelivery, onMessage and afterDelivery on the same thread, so a transacted
 * endpoint's container starts the JTA transaction, enlists the session's XAResource and commits or rolls back around
 * the message (the message consumed on the XA session travels with XA_END, so it is acknowledged by the commit and
 * redelivered after a rollback). A non-transacted endpoint's session acknowledges each message after onMessage
 * returns, and recovers it when onMessage throws, so the broker's redelivery levels and DLQ apply in both cases.
 */
final class SessionWorker implements Work {
    private static final System.Logger LOG = System.getLogger(SessionWorker.class.getName());
    static final Method ON_MESSAGE;
    private static final long RECEIVE_SLICE_MILLIS = 1000;
    private static final long ENDPOINT_RETRY_MILLIS = 1000;

    static {
        try {
            ON_MESSAGE = MessageListener.class.getMethod("onMessage", Message.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Activation activation;
    private final KeelXAConnection connection;
    private final int generation;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    /** The WorkManager ran it; one still queued (all its threads busy) is not waited for at deactivation. */
    private volatile boolean started;
    private Session session;
    private MessageConsumer consumer;
    private MessageEndpoint endpoint;

    SessionWorker(Activation activation, KeelXAConnection connection, int generation) {
        this.activation = activation;
        this.connection = connection;
        this.generation = generation;
    }

    /** Opens the session and its consumer; called before the work is scheduled, so bad settings surface early. */
    void open() throws JMSException {
        session = activation.transacted() ? connection.createXASession()
                : connection.createSession(false, Session.CLIENT_ACKNOWLEDGE);
        consumer = createConsumer(session);
    }

    private MessageConsumer createConsumer(Session on) throws JMSException {
        KeelActivationSpec spec = activation.spec();
        String selector = spec.getMessageSelector();
        if (!activation.target().topic()) {
            return on.createConsumer(activation.target().destination(), selector);
        }
        Topic topic = (Topic) activation.target().destination();
        String name = spec.getSubscriptionName();
        if (spec.isDurable()) {
            return spec.isShared() ? on.createSharedDurableConsumer(topic, name, selector)
                    : on.createDurableConsumer(topic, name, selector, false);
        }
        return spec.isShared() ? on.createSharedConsumer(topic, name, selector) : on.createConsumer(topic, selector);
    }

    @Override
    public void run() {
        started = true;
        try {
            while (running) {
                if (endpoint == null && !createEndpoint()) {
                    continue;
                }
                Message message = consumer.receive(RECEIVE_SLICE_MILLIS);
                if (message != null) {
                    deliver(message);
                }
            }
        } catch (JMSException | RuntimeException e) {
            if (running) {
                running = false;
                activation.connectionLost(generation, e);
            }
        } finally {
            releaseEndpoint();
            closeSession();
            finished.countDown();
        }
    }

    /** @return false if the container has no endpoint yet (then it waited a little) */
    private boolean createEndpoint() throws JMSException {
        MessageEndpointFactory endpoints = activation.endpoints();
        try {
            endpoint = activation.transacted()
                    ? endpoints.createEndpoint(((XASession) session).getXAResource())
                    : endpoints.createEndpoint(null);
            return true;
        } catch (UnavailableException e) {
            LOG.log(System.Logger.Level.DEBUG, "endpoint not available yet for " + activation + ": " + e);
            pause(ENDPOINT_RETRY_MILLIS);
            return false;
        }
    }

    private void deliver(Message message) throws JMSException {
        try {
            endpoint.beforeDelivery(ON_MESSAGE);
        } catch (NoSuchMethodException | ResourceException | RuntimeException e) {
            // The message is consumed but in no transaction: a new session gives it back to the broker.
            LOG.log(System.Logger.Level.WARNING, "beforeDelivery failed for " + activation + "; the message is "
                    + "given back to the broker: " + e);
            reopen();
            return;
        }
        boolean delivered = false;
        try {
            ((MessageListener) endpoint).onMessage(message);
            delivered = true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "onMessage of " + activation + " threw; the message will be "
                    + "redelivered: " + e);
        } finally {
            try {
                endpoint.afterDelivery();
            } catch (ResourceException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "afterDelivery failed for " + activation + ": " + e);
            }
        }
        if (!activation.transacted()) {
            if (delivered) {
                message.acknowledge();
            } else {
                session.recover();
            }
        }
    }

    /** A new session and endpoint (the old session's unacknowledged message goes back to the broker). */
    private void reopen() throws JMSException {
        releaseEndpoint();
        closeSession();
        pause(ENDPOINT_RETRY_MILLIS);
        if (running) {
            open();
        }
    }

    private void releaseEndpoint() {
        if (endpoint != null) {
            try {
                endpoint.release();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "endpoint release failed", e);
            }
            endpoint = null;
        }
    }

    private void closeSession() {
        if (session != null) {
            try {
                session.close();
            } catch (JMSException | RuntimeException e) {
                // the connection is gone or going; the broker releases what the session held
            }
            session = null;
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** The WorkManager (or deactivation) asks the work to end: after the delivery in progress, if any. */
    @Override
    public void release() {
        running = false;
    }

    /** Before the work was ever scheduled (the activation gave up on this connection). */
    void abandon() {
        running = false;
        closeSession();
        finished.countDown();
    }

    /** After {@link #release}: true once the work ended, or at once if it never started (it will end as it starts). */
    boolean awaitFinished(long millis) throws InterruptedException {
        return !started || finished.await(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "KeelMQ delivery to " + activation + " (connection " + generation + ")";
    }
}
