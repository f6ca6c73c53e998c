package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/** An activation on gfUndeploy, so that keel.rar holds connections (and their threads) until it is undeployed. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
        @ActivationConfigProperty(propertyName = "destination", propertyValue = "gfUndeploy")})
public class UndeployListener implements MessageListener {
    @Override
    public void onMessage(Message message) {
        // Nothing to do: the test counts threads, not messages.
    }
}
