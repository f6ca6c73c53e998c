package io.keelmq.ra.it.wildfly.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;
import jakarta.jms.TextMessage;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Fails every delivery of {@code it.poison}: the container rolls the delivery back, the broker redelivers. */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
    @ActivationConfigProperty(propertyName = "destination", propertyValue = ItNames.POISON_QUEUE),
})
@ResourceAdapter("keel.rar")
public class PoisonMdb implements MessageListener {
    @EJB
    Ledger ledger;

    @Override
    public void onMessage(Message message) {
        String text;
        try {
            text = ((TextMessage) message).getText();
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
        ledger.begin(ItNames.POISON_QUEUE, text);
        ledger.end();
        throw new IllegalStateException("poison message, refused on purpose: " + text);
    }
}
