package io.keelmq.jms;

import io.keelmq.jms.message.KeelBytesMessage;
import io.keelmq.jms.message.KeelMapMessage;
import io.keelmq.jms.message.KeelMessage;
import io.keelmq.jms.message.KeelObjectMessage;
import io.keelmq.jms.message.KeelStreamMessage;
import io.keelmq.jms.message.KeelTextMessage;
import io.keelmq.jms.provider.Undelivered;
import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.IllegalStateException;
import jakarta.jms.IllegalStateRuntimeException;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A session: the factory for producers, consumers, browsers and messages, and the unit of acknowledgement and of
 * serial delivery. The work is in its parts: {@link SessionConsumers} creates consumers, {@link SessionDeliveries}
 * acknowledges and recovers, {@link SessionDispatcher} runs listeners, {@link MessageSender} sends and
 * {@link CompletionQueue} reports asynchronous sends.
 *
 * <p>This class serves Session and both domain-specific interfaces; {@link KeelQueueSession} and
 * {@link KeelTopicSession} refuse the other domain's methods, as spec table 9-1 requires.
 */
public class KeelSession implements Session, QueueSession, TopicSession {
    private final KeelConnection connection;
    private final long sessionId;
    private final int acknowledgeMode;
    private final SessionDispatcher dispatcher;
    private final SessionDeliveries deliveries;
    private final SessionConsumers consumers;
    private final CompletionQueue completions;
    private final MessageSender sender;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;

    KeelSession(KeelConnection connection, long sessionId, int acknowledgeMode) {
        this.connection = connection;
        this.sessionId = sessionId;
        this.acknowledgeMode = acknowledgeMode;
        this.dispatcher = new SessionDispatcher(this);
        this.deliveries = new SessionDeliveries(this, connection.provider(),
                SessionDeliveries.ackModeOf(acknowledgeMode));
        this.consumers = new SessionConsumers(this);
        this.completions = new CompletionQueue(this);
        this.sender = new MessageSender(this);
    }

    // ---------------------------------------------------------------- messages

    @Override
    public BytesMessage createBytesMessage() throws JMSException {
        checkClosed();
        return new KeelBytesMessage();
    }

    @Override
    public MapMessage createMapMessage() throws JMSException {
        checkClosed();
        return new KeelMapMessage();
    }

    @Override
    public Message createMessage() throws JMSException {
        checkClosed();
        return new KeelMessage();
    }

    @Override
    public ObjectMessage createObjectMessage() throws JMSException {
        checkClosed();
        return new KeelObjectMessage();
    }

    @Override
    public ObjectMessage createObjectMessage(Serializable object) throws JMSException {
        checkClosed();
        KeelObjectMessage message = new KeelObjectMessage();
        message.setObject(object);
        return message;
    }

    @Override
    public StreamMessage createStreamMessage() throws JMSException {
        checkClosed();
        return new KeelStreamMessage();
    }

    @Override
    public TextMessage createTextMessage() throws JMSException {
        checkClosed();
        return new KeelTextMessage();
    }

    @Override
    public TextMessage createTextMessage(String text) throws JMSException {
        checkClosed();
        return new KeelTextMessage(text);
    }

    // ---------------------------------------------------------------- transactions and acknowledgement

    @Override
    public boolean getTransacted() throws JMSException {
        checkClosed();
        return isTransacted();
    }

    /** SESSION_TRANSACTED for a transacted session (spec 6.2.7). */
    @Override
    public int getAcknowledgeMode() throws JMSException {
        checkClosed();
        return acknowledgeMode;
    }

    boolean isTransacted() {
        return acknowledgeMode == Session.SESSION_TRANSACTED;
    }

    /**
     * Commits the messages sent and consumed since the last commit or rollback (spec 6.2.8), after waiting for the
     * session's asynchronous sends: their messages are part of the transaction. May be called from a listener of
     * this session; the next transaction starts at once.
     */
    @Override
    public void commit() throws JMSException {
        checkTransactionCall("commit");
        awaitCompletions();
        dispatcher.runExclusive(deliveries::commit);
    }

    /** Drops the messages sent and redelivers the messages consumed since the last commit or rollback. */
    @Override
    public void rollback() throws JMSException {
        checkTransactionCall("rollback");
        awaitCompletions();
        dispatcher.runExclusive(deliveries::rollback);
        deliveryStateChanged();
    }

    private void checkTransactionCall(String method) throws JMSException {
        checkClosed();
        if (!isTransacted()) {
            throw new IllegalStateException(method + "() is only valid on a transacted session");
        }
        if (DeliveryContext.completionSession() == this) {
            throw new IllegalStateException("a CompletionListener must not call " + method + "() on its own session "
                    + "(spec 7.3.8)");
        }
    }

    @Override
    public void recover() throws JMSException {
        checkClosed();
        if (isTransacted()) {
            throw new IllegalStateException("recover() is not valid on a transacted session; use rollback()");
        }
        dispatcher.runExclusive(deliveries::recover);
    }

    /** Session-level listeners belong to the optional application-server facilities (spec 11), not offered here. */
    @Override
    public MessageListener getMessageListener() throws JMSException {
        checkClosed();
        return null;
    }

    @Override
    public void setMessageListener(MessageListener listener) throws JMSException {
        checkClosed();
        throw new JMSException("session-level MessageListeners (an optional application-server facility, spec "
                + "chapter 11) are not supported; set the listener on a MessageConsumer");
    }

    @Override
    public void run() {
        throw new IllegalStateRuntimeException("no session-level MessageListener is set: that optional "
                + "application-server facility (spec chapter 11) is not supported");
    }

    // ---------------------------------------------------------------- producers, consumers, browsers

    @Override
    public MessageProducer createProducer(Destination destination) throws JMSException {
        checkClosed();
        long producerId = connection.nextId();
        if (destination != null) {
            // Asks the broker now, so a producer its user may not send with fails here (JMSSecurityException), not
            // at its first send; an anonymous producer is checked at each send instead.
            connection.provider().createProducer(producerId, KeelDestination.of(destination).toRef());
        }
        return new KeelMessageProducer(this, producerId, destination);
    }

    /**
     * A KeelMQ extension: a transactional producer (RocketMQ's {@code TransactionMQProducer}) for {@code destination}
     * in {@code producerGroup}; this connection answers the group's check-backs with {@code checker} until it closes.
     *
     * @throws jakarta.jms.IllegalStateException on a transacted session: a transactional producer's message is
     *     decided by its local transaction, not by the session's commit
     * @throws jakarta.jms.JMSSecurityException when the user may not send to {@code destination}
     */
    public KeelTransactionalProducer createTransactionalProducer(Destination destination, String producerGroup,
                                                                 TransactionChecker checker) throws JMSException {
        checkClosed();
        if (isTransacted()) {
            throw new IllegalStateException("a transactional producer needs a session that is not transacted: its "
                    + "messages are decided by their local transaction, not by Session.commit()");
        }
        if (destination == null || producerGroup == null || producerGroup.isEmpty() || checker == null) {
            throw new IllegalArgumentException("a transactional producer needs a destination, a producer group name "
                    + "and a TransactionChecker");
        }
        long producerId = connection.nextId();
        // The checker is in place before the broker may send a check-back of the group to this connection.
        connection.checkers().register(producerGroup, checker);
        connection.provider().createProducer(producerId, KeelDestination.of(destination).toRef(), producerGroup);
        return new KeelTransactionalProducer(this, producerId, destination, producerGroup);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination) throws JMSException {
        return createConsumer(destination, null, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector) throws JMSException {
        return createConsumer(destination, selector, false);
    }

    @Override
    public MessageConsumer createConsumer(Destination destination, String selector, boolean noLocal)
            throws JMSException {
        return consumers.create(destination, selector, noLocal, null, false, false);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name) throws JMSException {
        return createSharedConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name, String selector) throws JMSException {
        checkClosed();
        return consumers.create(topic, selector, false, consumers.subscriptionName(name), false, true);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name) throws JMSException {
        return createDurableSubscriber(topic, name, null, false);
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        checkClosed();
        return consumers.create(topic, selector, noLocal, consumers.subscriptionName(name), true, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name) throws JMSException {
        return createDurableConsumer(topic, name, null, false);
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        checkClosed();
        return consumers.create(topic, selector, noLocal, consumers.subscriptionName(name), true, false);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name) throws JMSException {
        return createSharedDurableConsumer(topic, name, null);
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String selector)
            throws JMSException {
        checkClosed();
        return consumers.create(topic, selector, false, consumers.subscriptionName(name), true, true);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue) throws JMSException {
        return createBrowser(queue, null);
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) throws JMSException {
        checkClosed();
        return consumers.browser(queue, selector);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue) throws JMSException {
        return createReceiver(queue, null);
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String selector) throws JMSException {
        checkClosed();
        return consumers.create(queue, selector, false, null, false, false);
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        checkClosed();
        return (QueueSender) createProducer(queue);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic) throws JMSException {
        return createSubscriber(topic, null, false);
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String selector, boolean noLocal) throws JMSException {
        checkClosed();
        return consumers.create(topic, selector, noLocal, null, false, false);
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        checkClosed();
        return (TopicPublisher) createProducer(topic);
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        checkClosed();
        connection.provider().unsubscribe(consumers.subscriptionName(name));
    }

    // ---------------------------------------------------------------- destinations

    @Override
    public Queue createQueue(String name) throws JMSException {
        checkClosed();
        return new KeelQueue(consumers.destinationName(name));
    }

    @Override
    public Topic createTopic(String name) throws JMSException {
        checkClosed();
        return new KeelTopic(consumers.destinationName(name));
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        checkClosed();
        return connection.temporaries().createQueue();
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        checkClosed();
        return connection.temporaries().createTopic();
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Waits for running listeners, pending receives and asynchronous sends, then releases every message the session
     * holds: prefetched ones without a delivery-count increment, unacknowledged ones with one (spec 6.2.15).
     */
    @Override
    public void close() throws JMSException {
        if (closed) {
            return;
        }
        if (DeliveryContext.completionSession() == this) {
            throw new IllegalStateException("a CompletionListener must not close its own session (spec 7.3.5)");
        }
        if (DeliveryContext.listenerSession() == this) {
            throw new IllegalStateException("a MessageListener may not close its own session here (spec 6.2.15 "
                    + "allows refusing it); close it from another thread");
        }
        shutdown(true);
        connection.sessionClosed(this);
    }

    /** @param release whether to tell the broker (not when the whole connection is going away unreachable) */
    void shutdown(boolean release) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            awaitCompletions();
        } catch (JMSException interrupted) {
            // close goes on; the interrupt flag is set again for the caller
        }
        List<Undelivered> undelivered = consumers.closeAll();
        dispatcher.awaitIdle();
        closed = true;
        deliveries.closeSession(release, undelivered);
        dispatcher.shutdown();
        completions.shutdown();
    }

    /** Spec 7.3.5: close waits for incomplete asynchronous sends and their callbacks. */
    void awaitCompletions() throws JMSException {
        try {
            completions.awaitAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JMSException("interrupted while waiting for asynchronous sends to complete");
        }
    }

    // ---------------------------------------------------------------- for the session's parts

    KeelConnection connection() {
        return connection;
    }

    long sessionId() {
        return sessionId;
    }

    SessionDispatcher dispatcher() {
        return dispatcher;
    }

    SessionDeliveries deliveries() {
        return deliveries;
    }

    CompletionQueue completions() {
        return completions;
    }

    MessageSender sender() {
        return sender;
    }

    /** The session's consumers, for receives that share a subscription with a sibling. */
    SessionConsumers sharedConsumers() {
        return consumers;
    }

    /** The open consumers, in creation order (a snapshot-safe list). */
    List<KeelMessageConsumer> consumers() {
        return consumers.all();
    }

    void consumerClosed(KeelMessageConsumer consumer) {
        consumers.remove(consumer);
        deliveries.flushQuietly();
    }

    boolean hasListeners() {
        return consumers.hasListeners();
    }

    /** Listeners may run: the session is open and the connection started. */
    boolean canDeliver() {
        return !closing.get() && connection.isStarted() && !connection.provider().isClosed();
    }

    /** The connection started, stopped or failed: wake whoever waits for messages. */
    void deliveryStateChanged() {
        consumers.wakeUp();
        dispatcher.wakeup();
    }

    boolean isClosed() {
        return closed;
    }

    void checkClosed() throws JMSException {
        if (closed) {
            throw new IllegalStateException("the session is closed");
        }
        connection.checkClosed();
    }
}
