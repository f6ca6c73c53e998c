package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/** Consumes gfInbound (found by the admin object jms/inbound) with four sessions, in container transactions. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = "jms/inbound"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "4")})
public class InboundListener implements MessageListener {
    @EJB
    private Deliveries deliveries;

    @Override
    public void onMessage(Message message) {
        try {
            deliveries.record("gfInbound", ((TextMessage) message).getText());
            // A little work per message, so the four sessions overlap.
            Thread.sleep(10);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
