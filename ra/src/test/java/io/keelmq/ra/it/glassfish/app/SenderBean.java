package io.keelmq.ra.it.glassfish.app;

import jakarta.annotation.Resource;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;
import jakarta.jms.Session;

/** Sends to gfOrders (the admin object jms/orders) inside the container's transaction, both ways an application can. */
@Stateless
public class SenderBean {
    @Resource(lookup = "jms/keelConnectionFactory")
    private ConnectionFactory connectionFactory;

    @Inject
    @JMSConnectionFactory("jms/keelConnectionFactory")
    private JMSContext context;

    @Resource(lookup = "jms/orders")
    private Queue orders;

    @Resource
    private SessionContext session;

    /** Through the injected factory; the createSession arguments are ignored in a JTA transaction (spec 12.3). */
    public void sendWithConnectionFactory(String text, boolean rollback) throws JMSException {
        try (Connection connection = connectionFactory.createConnection()) {
            Session jms = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jms.createProducer(orders).send(jms.createTextMessage(text));
        }
        if (rollback) {
            session.setRollbackOnly();
        }
    }

    /** Through the container's JMSContext. */
    public void sendWithContext(String text, boolean rollback) {
        context.createProducer().send(orders, text);
        if (rollback) {
            session.setRollbackOnly();
        }
    }
}
