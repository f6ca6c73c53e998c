package io.keelmq.ra.it.wildfly.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import jakarta.transaction.TransactionManager;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Sends in container-managed transactions (every method REQUIRED): through a {@code @Resource} connection factory,
 * through an injected {@code JMSContext}, and together with a row of the XA data source. {@code rollback} marks the
 * transaction rollback-only after the send.
 */
@Stateless
public class Sender {
    @Resource(lookup = ItNames.CONNECTION_FACTORY)
    ConnectionFactory connectionFactory;

    @Inject
    @JMSConnectionFactory(ItNames.CONNECTION_FACTORY)
    JMSContext context;

    @Resource(lookup = ItNames.DATA_SOURCE)
    DataSource dataSource;

    @Resource
    SessionContext transaction;

    @Resource(lookup = "java:/TransactionManager")
    TransactionManager transactionManager;

    /** The arguments of createSession are ignored in a JTA transaction (spec 12.3): the session joins it. */
    public void sendThroughConnectionFactory(String text, boolean rollback) throws JMSException {
        try (Connection connection = connectionFactory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue(ItNames.TX_QUEUE)).send(session.createTextMessage(text));
        }
        if (rollback) {
            transaction.setRollbackOnly();
        }
    }

    public void sendThroughContext(String text, boolean rollback) {
        context.createProducer().send(context.createQueue(ItNames.TX_QUEUE), text);
        if (rollback) {
            transaction.setRollbackOnly();
        }
    }

    /** How an order's transaction ends. */
    public enum Outcome { COMMIT, SET_ROLLBACK_ONLY, DATABASE_FAILS }

    /**
     * Sends the order's message, then inserts its row; {@link Outcome#DATABASE_FAILS} inserts the row twice, so the
     * database refuses the second (primary key) and the whole transaction, message included, rolls back.
     */
    public void placeOrder(String id, Outcome outcome) throws JMSException {
        context.createProducer().send(context.createQueue(ItNames.ORDERS_QUEUE), id);
        insertOrder(id);
        if (outcome == Outcome.DATABASE_FAILS) {
            insertOrder(id);
        } else if (outcome == Outcome.SET_ROLLBACK_ONLY) {
            transaction.setRollbackOnly();
        }
    }

    private void insertOrder(String id) {
        try (var connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO it_orders(id) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new EJBException("the database refused order " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sends {@code text} in a transaction whose commit phase stalls ({@link StalledCommit}) after KeelMQ's branch is
     * prepared, until the test releases it.
     */
    public void sendWithStalledCommit(String text) throws Exception {
        StalledCommit.arm();
        transactionManager.getTransaction().enlistResource(new StalledCommit());
        context.createProducer().send(context.createQueue(ItNames.RECOVERY_QUEUE), text);
    }
}
