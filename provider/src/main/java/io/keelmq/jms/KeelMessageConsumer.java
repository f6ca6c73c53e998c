package io.keelmq.jms;

import io.keelmq.jms.message.KeelMessage;
import io.keelmq.jms.provider.Delivery;
import io.keelmq.jms.provider.Undelivered;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageFormatException;
import jakarta.jms.MessageListener;
import jakarta.jms.Queue;
import jakarta.jms.QueueReceiver;
import jakarta.jms.StreamMessage;
import jakarta.jms.Topic;
import jakarta.jms.TopicSubscriber;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consumer: synchronous receive or a MessageListener, never both on one session (spec 6.2.5). Messages come from
 * its {@link ConsumerBuffer}; acknowledgement is the session's business ({@link AckTracker}).
 */
public class KeelMessageConsumer implements MessageConsumer, QueueReceiver, TopicSubscriber {
    private static final System.Logger LOG = System.getLogger(KeelMessageConsumer.class.getName());
    /** How long a receive sharing its subscription with siblings waits on its own buffer before it looks at theirs. */
    private static final long SHARED_WAIT_SLICE_MILLIS = 20;

    private final KeelSession session;
    private final long consumerId;
    private final KeelDestination destination;
    private final String selector;
    private final boolean noLocal;
    /** Consumers of one session with equal keys receive from one subscription alike; null: this one shares none. */
    private final String sharingKey;
    private final ConsumerBuffer buffer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile MessageListener listener;
    /** Set while this consumer's listener takes and handles a message. */
    private volatile boolean inOnMessage;

    KeelMessageConsumer(KeelSession session, long consumerId, KeelDestination destination, String selector,
                        boolean noLocal, String sharingKey) {
        this.session = session;
        this.consumerId = consumerId;
        this.destination = destination;
        this.selector = selector;
        this.noLocal = noLocal;
        this.sharingKey = sharingKey;
        this.buffer = new ConsumerBuffer(this, session.connection().provider(), session.connection().options());
    }

    long consumerId() {
        return consumerId;
    }

    KeelSession session() {
        return session;
    }

    ConsumerBuffer buffer() {
        return buffer;
    }

    String sharingKey() {
        return sharingKey;
    }

    boolean isStarted() {
        return session.connection().isStarted();
    }

    // ---------------------------------------------------------------- MessageConsumer

    @Override
    public String getMessageSelector() throws JMSException {
        checkClosed();
        return selector;
    }

    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkClosed();
        return listener;
    }

    @Override
    public void setMessageListener(MessageListener messageListener) throws JMSException {
        checkClosed();
        this.listener = messageListener;
        if (messageListener != null) {
            buffer.pullIfNeeded();
            session.dispatcher().wakeup();
        }
    }

    @Override
    public Message receive() throws JMSException {
        return messageOf(receive(-1, true));
    }

    /** @param timeout 0 waits without limit, as the spec defines it */
    @Override
    public Message receive(long timeout) throws JMSException {
        return messageOf(receive(timeout <= 0 ? -1 : timeout, true));
    }

    @Override
    public Message receiveNoWait() throws JMSException {
        return messageOf(receive(0, true));
    }

    /** A message taken for synchronous receipt, the delivery it came in and the consumer it was delivered to. */
    private record Received(KeelMessage message, Delivery delivery, KeelMessageConsumer owner) {
    }

    private static Message messageOf(Received received) {
        return received == null ? null : received.message;
    }

    /**
     * Takes the next message for synchronous receipt.
     *
     * @param timeoutMillis negative = no limit, 0 = only what is immediately available
     * @param consume false leaves acknowledgement to the caller (receiveBody checks the body first)
     */
    private Received receive(long timeoutMillis, boolean consume) throws JMSException {
        checkClosed();
        if (listener != null || session.hasListeners()) {
            throw new IllegalStateException("cannot receive synchronously on a session whose consumers have a "
                    + "MessageListener (spec 6.2.5)");
        }
        buffer.enterReceive();
        try {
            long deadline = timeoutMillis > 0 ? System.currentTimeMillis() + timeoutMillis : 0;
            while (true) {
                Taken taken = next(timeoutMillis, deadline);
                if (taken == null) {
                    session.connection().throwIfFailed();
                    return null;
                }
                Delivery d = taken.delivery();
                if (isExpired(d)) {
                    session.deliveries().expired(taken.owner(), d);
                    continue;
                }
                KeelMessage message = session.deliveries().prepare(taken.owner(), d);
                if (consume) {
                    session.deliveries().received(taken.owner(), d);
                }
                return new Received(message, d, taken.owner());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            buffer.exitReceive();
        }
    }

    private Taken next(long timeoutMillis, long deadline) throws InterruptedException, JMSException {
        if (sharingKey != null && session.sharedConsumers().hasSiblings(this)) {
            return nextShared(timeoutMillis, deadline);
        }
        return Taken.of(this, nextOwn(timeoutMillis, deadline));
    }

    private Delivery nextOwn(long timeoutMillis, long deadline) throws InterruptedException, JMSException {
        if (timeoutMillis == 0) {
            Delivery d = buffer.poll();
            if (d == null && isStarted() && buffer.isEmpty()) {
                buffer.probe();
                d = buffer.poll();
            }
            return d;
        }
        if (timeoutMillis < 0) {
            return buffer.take(-1);
        }
        return buffer.take(Math.max(0, deadline - System.currentTimeMillis()));
    }

    /**
     * Spec 8.3.4 / 4.1.2: consumers of one session on one subscription (a queue, or a shared subscription) take from
     * one stream of messages; which consumer's prefetch a message landed in is an accident of timing. So a receive
     * whose own buffer is empty takes a message a sibling buffered (acknowledged under the sibling's consumer id, to
     * which the broker delivered it), looking again in short slices while it waits; without this, a message prefetched
     * by an idle sibling would make the receiving consumer wait in vain (TCK core20.sessiontests
     * createSharedConsumerTopicTest1).
     */
    private Taken nextShared(long timeoutMillis, long deadline) throws InterruptedException, JMSException {
        while (true) {
            Delivery own = buffer.poll();
            if (own != null) {
                return Taken.of(this, own);
            }
            Taken sibling = session.sharedConsumers().takeFromSibling(this);
            if (sibling != null) {
                return sibling;
            }
            if (timeoutMillis == 0) {
                return Taken.of(this, nextOwn(0, 0));
            }
            long slice = SHARED_WAIT_SLICE_MILLIS;
            if (timeoutMillis > 0) {
                long remaining = deadline - System.currentTimeMillis();
                if (remaining <= 0) {
                    return null;
                }
                slice = Math.min(slice, remaining);
            }
            Delivery waited = buffer.take(slice);
            if (waited != null) {
                return Taken.of(this, waited);
            }
            if (closed.get() || session.connection().provider().isClosed()) {
                return null;
            }
        }
    }

    /**
     * JMSConsumer.receiveBody: the message is acknowledged only if its body can be returned; otherwise, in
     * AUTO_ACKNOWLEDGE and DUPS_OK_ACKNOWLEDGE, it is put back to be received again, not counted as a redelivery
     * (spec 8.6).
     */
    <T> T receiveBody(Class<T> type, long timeoutMillis) throws JMSException {
        Received received = receive(timeoutMillis, false);
        if (received == null) {
            return null;
        }
        KeelMessage message = received.message;
        Delivery d = received.delivery;
        KeelMessageConsumer owner = received.owner;
        boolean readable = !(message instanceof StreamMessage) && message.getClass() != KeelMessage.class
                && message.isBodyAssignableTo(type);
        if (!readable) {
            session.deliveries().bodyRefused(owner, d);
            throw new MessageFormatException("the body of " + message.getClass().getSimpleName() + " "
                    + message.getJMSMessageID() + " cannot be returned as " + type.getName());
        }
        T body;
        try {
            body = message.getBody(type);
        } catch (JMSException e) {
            // e.g. an ObjectMessage whose class cannot be loaded: the same rule as a body of the wrong type
            session.deliveries().bodyRefused(owner, d);
            throw e;
        }
        session.deliveries().received(owner, d);
        return body;
    }

    @Override
    public void close() throws JMSException {
        if (closed.get()) {
            return;
        }
        session.dispatcher().runExclusive(this::closeAndRelease);
    }

    private void closeAndRelease() throws JMSException {
        List<Undelivered> undelivered = closeLocally();
        if (undelivered == null) {
            return;
        }
        try {
            session.consumerClosed(this);
            if (!session.connection().provider().isClosed()) {
                List<Undelivered> all = new ArrayList<>(undelivered);
                all.addAll(buffer.endPulls());
                session.connection().provider().closeConsumer(consumerId, all);
            }
        } catch (JMSException e) {
            LOG.log(System.Logger.Level.WARNING, "CLOSE_CONSUMER " + consumerId + " failed: " + e.getMessage());
        }
    }

    /**
     * Stops delivery and waits for receives in progress; returns the messages to release, or null if already closed.
     */
    List<Undelivered> closeLocally() {
        if (!closed.compareAndSet(false, true)) {
            return null;
        }
        listener = null;
        List<Undelivered> undelivered = buffer.close();
        buffer.awaitNoReceivers();
        return undelivered;
    }

    // ---------------------------------------------------------------- listener delivery (dispatcher thread)

    boolean hasListenerWork() {
        return listener != null && !closed.get() && !buffer.isEmpty();
    }

    /** Delivers one buffered message to the listener; false if there was none to deliver. */
    boolean deliverToListener() {
        MessageListener l = listener;
        if (l == null || closed.get()) {
            return false;
        }
        inOnMessage = true;
        try {
            return deliverOneToListener(l);
        } finally {
            inOnMessage = false;
            buffer.listenerReturned();
        }
    }

    private boolean deliverOneToListener(MessageListener l) {
        Delivery d = buffer.poll();
        if (d == null) {
            return false;
        }
        KeelMessage message;
        try {
            if (isExpired(d)) {
                session.deliveries().expired(this, d);
                return true;
            }
            message = session.deliveries().prepare(this, d);
        } catch (JMSException e) {
            LOG.log(System.Logger.Level.WARNING, "skipped a message on consumer " + consumerId + ": "
                    + e.getMessage());
            return true;
        }
        session.deliveries().beforeListener();
        boolean ok = false;
        DeliveryContext.enterListener(session);
        try {
            l.onMessage(message);
            ok = true;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "MessageListener of consumer " + consumerId + " threw; "
                    + "the message is redelivered if the session acknowledges automatically (spec 8.7)", e);
        } finally {
            DeliveryContext.exitListener();
        }
        session.deliveries().listenerReturned(this, d, ok);
        return true;
    }

    void messagesArrived() {
        if (listener != null) {
            session.dispatcher().wakeup();
        }
    }

    private static boolean isExpired(Delivery d) {
        long expiration = d.message().getExpiration();
        return expiration != 0 && expiration <= System.currentTimeMillis();
    }

    // ---------------------------------------------------------------- identity

    public KeelDestination getDestination() {
        return destination;
    }

    @Override
    public Queue getQueue() throws JMSException {
        checkClosed();
        return destination instanceof Queue q ? q : null;
    }

    @Override
    public Topic getTopic() throws JMSException {
        checkClosed();
        return destination instanceof Topic t ? t : null;
    }

    @Override
    public boolean getNoLocal() throws JMSException {
        checkClosed();
        return noLocal;
    }

    boolean isClosed() {
        return closed.get();
    }

    boolean hasListener() {
        return listener != null;
    }

    /** A listener is set and not running now (for a consumer without prefetch, see ConsumerBuffer). */
    boolean hasIdleListener() {
        return listener != null && !closed.get() && !inOnMessage;
    }

    private void checkClosed() throws JMSException {
        if (closed.get()) {
            throw new IllegalStateException("the consumer is closed");
        }
        session.checkClosed();
    }
}
