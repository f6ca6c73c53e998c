package io.keelmq.ra.it.wildfly.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Forwards {@code it.restart} to {@code it.restart.out}; the test kills and restarts the broker under it. */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
    @ActivationConfigProperty(propertyName = "destination", propertyValue = ItNames.RESTART_QUEUE),
    @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "2"),
})
@ResourceAdapter("keel.rar")
public class RestartMdb extends Forwarder {
    @Override
    protected String queue() {
        return ItNames.RESTART_QUEUE;
    }
}
