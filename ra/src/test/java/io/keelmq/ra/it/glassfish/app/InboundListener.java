package io.keelmq.ra.it.glassfish.app;

import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Consumes gfInbound (found by the admin object jms/inbound) with four sessions, in container transactions: each
 * message's processing is a row of keel_processed, committed with the message's acknowledgement (two XA resources),
 * and every delivery (also one whose transaction then rolls back) is recorded in {@link Deliveries}.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "jms/inbound"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")})
public class InboundListener implements MessageListener {
    @EJB
    private Deliveries deliveries;

    @Resource(lookup = "jdbc/keelOrders")
    private DataSource database;

    @Override
    public void onMessage(Message message) {
        try {
            String text = ((TextMessage) message).getText();
            deliveries.record("gfInbound", text);
            try (Connection connection = database.getConnection();
                 PreparedStatement insert = connection.prepareStatement("INSERT INTO keel_processed VALUES (?)")) {
                insert.setString(1, text);
                insert.executeUpdate();
            }
            // A little work per message, so the four sessions overlap.
            Thread.sleep(10);
        } catch (JMSException | SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
