package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;

/** Consumes gfFailing (by physical name) and fails every delivery: the container rolls its transaction back. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "gfFailing"),
        @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "1")})
public class FailingListener implements MessageListener {
    @EJB
    private Deliveries deliveries;

    @Override
    public void onMessage(Message message) {
        try {
            deliveries.record("gfFailing", ((TextMessage) message).getText() + " redelivered="
                    + message.getJMSRedelivered());
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("FailingListener refuses every message (test)");
    }
}
