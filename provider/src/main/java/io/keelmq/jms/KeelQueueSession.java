package io.keelmq.jms;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.TemporaryTopic;
import jakarta.jms.Topic;
import jakarta.jms.TopicPublisher;
import jakarta.jms.TopicSubscriber;

/** The session of a QueueConnection: the topic methods it inherits must throw IllegalStateException (table 9-1). */
final class KeelQueueSession extends KeelSession {

    KeelQueueSession(KeelConnection connection, long sessionId, int acknowledgeMode) {
        super(connection, sessionId, acknowledgeMode);
    }

    private IllegalStateException refused(String method) throws JMSException {
        checkClosed();
        return new IllegalStateException(method + " cannot be used on a QueueSession");
    }

    @Override
    public Topic createTopic(String name) throws JMSException {
        throw refused("createTopic");
    }

    @Override
    public TemporaryTopic createTemporaryTopic() throws JMSException {
        throw refused("createTemporaryTopic");
    }

    @Override
    public TopicSubscriber createDurableSubscriber(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        throw refused("createDurableSubscriber");
    }

    @Override
    public MessageConsumer createDurableConsumer(Topic topic, String name, String selector, boolean noLocal)
            throws JMSException {
        throw refused("createDurableConsumer");
    }

    @Override
    public MessageConsumer createSharedConsumer(Topic topic, String name, String selector) throws JMSException {
        throw refused("createSharedConsumer");
    }

    @Override
    public MessageConsumer createSharedDurableConsumer(Topic topic, String name, String selector)
            throws JMSException {
        throw refused("createSharedDurableConsumer");
    }

    @Override
    public void unsubscribe(String name) throws JMSException {
        throw refused("unsubscribe");
    }

    @Override
    public TopicSubscriber createSubscriber(Topic topic, String selector, boolean noLocal) throws JMSException {
        throw refused("createSubscriber");
    }

    @Override
    public TopicPublisher createPublisher(Topic topic) throws JMSException {
        throw refused("createPublisher");
    }
}
