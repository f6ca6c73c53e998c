package io.keelmq.jms;

import jakarta.jms.IllegalStateException;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.QueueReceiver;
import jakarta.jms.QueueSender;
import jakarta.jms.TemporaryQueue;

/** The session of a TopicConnection: the queue methods it inherits must throw IllegalStateException (table 9-1). */
final class KeelTopicSession extends KeelSession {

    KeelTopicSession(KeelConnection connection, long sessionId, int acknowledgeMode) {
        super(connection, sessionId, acknowledgeMode);
    }

    private IllegalStateException refused(String method) throws JMSException {
        checkClosed();
        return new IllegalStateException(method + " cannot be used on a TopicSession");
    }

    @Override
    public QueueBrowser createBrowser(Queue queue, String selector) throws JMSException {
        throw refused("createBrowser");
    }

    @Override
    public Queue createQueue(String name) throws JMSException {
        throw refused("createQueue");
    }

    @Override
    public TemporaryQueue createTemporaryQueue() throws JMSException {
        throw refused("createTemporaryQueue");
    }

    @Override
    public QueueReceiver createReceiver(Queue queue, String selector) throws JMSException {
        throw refused("createReceiver");
    }

    @Override
    public QueueSender createSender(Queue queue) throws JMSException {
        throw refused("createSender");
    }
}
