package io.keelmq.ra.it.glassfish.app;

import jakarta.annotation.Resource;
import jakarta.ejb.EJBException;
import jakarta.ejb.SessionContext;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import jakarta.jms.JMSConnectionFactory;
import jakarta.jms.JMSContext;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An order is a row in the XA datasource jdbc/keelOrders (embedded Derby, shipped with GlassFish) and a message on
 * gfDbOrders, written in one container transaction: two XA resources, so GlassFish commits them in two phases.
 */
@Stateless
public class OrderBean {
    @Resource(lookup = "jdbc/keelOrders")
    private DataSource database;

    @Inject
    @JMSConnectionFactory("jms/keelConnectionFactory")
    private JMSContext jms;

    @Resource
    private SessionContext session;

    /**
     * The message first, then the row: a duplicate id fails the insert, and the EJBException (a system exception,
     * unlike the checked SQLException) rolls the message back too.
     */
    public void place(String id, boolean rollback) {
        jms.createProducer().send(jms.createQueue("gfDbOrders"), id);
        try (Connection connection = database.getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO keel_orders (id) VALUES (?)")) {
            insert.setString(1, id);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new EJBException("order " + id + " not stored", e);
        }
        if (rollback) {
            session.setRollbackOnly();
        }
    }

    public int count(String id) throws SQLException {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM keel_orders WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }
}
