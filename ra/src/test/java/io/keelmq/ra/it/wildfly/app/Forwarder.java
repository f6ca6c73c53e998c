package io.keelmq.ra.it.wildfly.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

/**
 * The work of a forwarding message-driven bean: records the delivery, then sends the text on to
 * {@code <queue>.out} through the adapter's connection factory, in the delivery's XA transaction (the consume
 * and the send commit together, so a test reading {@code .out} sees each message once).
 */
public abstract class Forwarder implements MessageListener {
    @Resource(lookup = ItNames.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @EJB
    Ledger ledger;

    /** The queue this bean consumes. */
    protected abstract String queue();

    /** How long one delivery takes, so that deliveries on several sessions overlap. */
    protected long workMillis() {
        return 0;
    }

    @Override
    public void onMessage(Message message) {
        try {
            String text = ((TextMessage) message).getText();
            ledger.begin(queue(), text);
            try {
                if (workMillis() > 0) {
                    Thread.sleep(workMillis());
                }
                try (Connection connection = connectionFactory.createConnection()) {
                    Session session = connection.createSession();
                    session.createProducer(session.createQueue(queue() + ".out")).send(session.createTextMessage(text));
                }
            } finally {
                ledger.end();
            }
        } catch (JMSException e) {
            throw new IllegalStateException("forwarding failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
