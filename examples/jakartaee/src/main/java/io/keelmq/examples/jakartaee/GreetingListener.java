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
 * <p>
 * keel.rar resolves destinationLookup itself, outside this bean's java:comp, so it is a server-wide name: WildFly's
 * below, with {@code @ResourceAdapter} binding the bean to keel.rar; on GlassFish WEB-INF/glassfish-ejb-jar.xml binds
 * it to the adapter deployed as {@code keel} and overrides destinationLookup with GlassFish's name.
 */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
    @ActivationConfigProperty(propertyName = "destinationLookup", propertyValue = GreetingListener.WILDFLY_QUEUE),
})
@ResourceAdapter("keel.rar")
public class GreetingListener implements MessageListener {
    /** Where ra/src/main/wildfly/keel-ra.cli binds the admin object for the queue {@code greetings}. */
    static final String WILDFLY_QUEUE = "java:/jms/keel/queue/greetings";

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
