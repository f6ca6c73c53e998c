package io.keelmq.examples.jakartaee;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * Consumes the queue {@code greetings} (the admin object the deployer bound) through keel.rar (transacted: a delivery that throws is rolled back and
 * redelivered by the broker, then moved to {@code DLQ.greetings}).
 */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
    @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = GreetingResource.QUEUE),
})
@ResourceAdapter("keel.rar")
public class GreetingListener implements MessageListener {
    @EJB
    ReceivedGreetings received;

    @Override
    public void onMessage(Message message) {
        try {
            received.add(message.getBody(String.class));
        } catch (JMSException e) {
            throw new IllegalStateException("not a text greeting: " + message, e);
        }
    }
}
