package io.keelmq.jms;

import jakarta.jms.CompletionListener;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.QueueSender;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A producer with its delivery settings. It holds no broker-side state: producer ids only label SEND frames, so
 * creating one costs nothing. The send path itself is the session's {@link MessageSender}.
 */
public class KeelMessageProducer implements MessageProducer, QueueSender, TopicPublisher {

    private final KeelSession session;
    private final long producerId;
    private final Destination destination;
    private final AtomicBoolean closed = new AtomicBoolean();
    private boolean disableMessageID;
    private boolean disableMessageTimestamp;
    private int deliveryMode = DeliveryMode.PERSISTENT;
    private int priority = Message.DEFAULT_PRIORITY;
    private long timeToLive = Message.DEFAULT_TIME_TO_LIVE;
    private long deliveryDelay = Message.DEFAULT_DELIVERY_DELAY;

    KeelMessageProducer(KeelSession session, long producerId, Destination destination) {
        this.session = session;
        this.producerId = producerId;
        this.destination = destination;
    }

    // ---------------------------------------------------------------- settings

    @Override
    public void setDisableMessageID(boolean value) throws JMSException {
        checkClosed();
        disableMessageID = value;
    }

    @Override
    public boolean getDisableMessageID() throws JMSException {
        checkClosed();
        return disableMessageID;
    }

    @Override
    public void setDisableMessageTimestamp(boolean value) throws JMSException {
        checkClosed();
        disableMessageTimestamp = value;
    }

    @Override
    public boolean getDisableMessageTimestamp() throws JMSException {
        checkClosed();
        return disableMessageTimestamp;
    }

    @Override
    public void setDeliveryMode(int mode) throws JMSException {
        checkClosed();
        deliveryMode = validDeliveryMode(mode);
    }

    @Override
    public int getDeliveryMode() throws JMSException {
        checkClosed();
        return deliveryMode;
    }

    @Override
    public void setPriority(int value) throws JMSException {
        checkClosed();
        priority = validPriority(value);
    }

    @Override
    public int getPriority() throws JMSException {
        checkClosed();
        return priority;
    }

    @Override
    public void setTimeToLive(long value) throws JMSException {
        checkClosed();
        timeToLive = value;
    }

    @Override
    public long getTimeToLive() throws JMSException {
        checkClosed();
        return timeToLive;
    }

    @Override
    public void setDeliveryDelay(long value) throws JMSException {
        checkClosed();
        deliveryDelay = value;
    }

    @Override
    public long getDeliveryDelay() throws JMSException {
        checkClosed();
        return deliveryDelay;
    }

    @Override
    public Destination getDestination() throws JMSException {
        checkClosed();
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

    // ---------------------------------------------------------------- sending

    @Override
    public void send(Message message) throws JMSException {
        send(message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl) throws JMSException {
        doSend(ownDestination(), message, mode, prio, ttl, null);
    }

    @Override
    public void send(Destination target, Message message) throws JMSException {
        send(target, message, deliveryMode, priority, timeToLive);
    }

    @Override
    public void send(Destination target, Message message, int mode, int prio, long ttl) throws JMSException {
        doSend(explicitDestination(target), message, mode, prio, ttl, null);
    }

    @Override
    public void send(Message message, CompletionListener listener) throws JMSException {
        send(message, deliveryMode, priority, timeToLive, listener);
    }

    @Override
    public void send(Message message, int mode, int prio, long ttl, CompletionListener listener)
            throws JMSException {
        doSend(ownDestination(), message, mode, prio, ttl, requireListener(listener));
    }

    @Override
    public void send(Destination target, Message message, CompletionListener listener) throws JMSException {
        send(target, message, deliveryMode, priority, timeToLive, listener);
    }

    @Override
    public void send(Destination target, Message message, int mode, int prio, long ttl,
                     CompletionListener listener) throws JMSException {
        doSend(explicitDestination(target), message, mode, prio, ttl, requireListener(listener));
    }

    @Override
    public void send(Queue queue, Message message) throws JMSException {
        send((Destination) queue, message);
    }

    @Override
    public void send(Queue queue, Message message, int mode, int prio, long ttl) throws JMSException {
        send((Destination) queue, message, mode, prio, ttl);
    }

    @Override
    public void publish(Message message) throws JMSException {
        send(message);
    }

    @Override
    public void publish(Message message, int mode, int prio, long ttl) throws JMSException {
        send(message, mode, prio, ttl);
    }

    @Override
    public void publish(Topic topic, Message message) throws JMSException {
        send(topic, message);
    }

    @Override
    public void publish(Topic topic, Message message, int mode, int prio, long ttl) throws JMSException {
        send(topic, message, mode, prio, ttl);
    }

    private void doSend(Destination target, Message message, int mode, int prio, long ttl,
                        CompletionListener listener) throws JMSException {
        checkClosed();
        SendParams params = new SendParams(validDeliveryMode(mode), validPriority(prio), ttl, deliveryDelay,
                disableMessageTimestamp);
        session.sender().send(producerId, target, message, params, listener);
    }

    /** The spec requires UnsupportedOperationException when a producer without a destination is given none. */
    private Destination ownDestination() throws JMSException {
        checkClosed();
        if (destination == null) {
            throw new UnsupportedOperationException("this producer was created without a destination; "
                    + "use a send method that names one");
        }
        return destination;
    }

    /** ...and when a producer with a destination is given another one. */
    private Destination explicitDestination(Destination target) throws JMSException {
        checkClosed();
        if (destination != null) {
            throw new UnsupportedOperationException("this producer sends to " + destination
                    + "; use a send method without a destination");
        }
        return target;
    }

    private static CompletionListener requireListener(CompletionListener listener) {
        if (listener == null) {
            throw new IllegalArgumentException("the CompletionListener must not be null");
        }
        return listener;
    }

    static int validDeliveryMode(int mode) throws JMSException {
        if (mode != DeliveryMode.PERSISTENT && mode != DeliveryMode.NON_PERSISTENT) {
            throw new JMSException("invalid delivery mode " + mode
                    + "; use DeliveryMode.PERSISTENT or DeliveryMode.NON_PERSISTENT");
        }
        return mode;
    }

    static int validPriority(int value) throws JMSException {
        if (value < 0 || value > 9) {
            throw new JMSException("invalid priority " + value + "; priorities are 0 to 9");
        }
        return value;
    }

    // ---------------------------------------------------------------- lifecycle

    /** Waits for this session's asynchronous sends and their callbacks (spec 7.3.5). */
    @Override
    public void close() throws JMSException {
        if (closed.get()) {
            return;
        }
        if (DeliveryContext.completionSession() == session) {
            throw new IllegalStateException("a CompletionListener must not close its own producer (spec 7.3.5)");
        }
        session.awaitCompletions();
        closed.set(true);
    }

    private void checkClosed() throws JMSException {
        if (closed.get()) {
            throw new IllegalStateException("the producer is closed");
        }
        session.checkClosed();
    }
}
