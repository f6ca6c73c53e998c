package io.keelmq.ra.it.wildfly.app;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Forwards {@code it.parallel} to {@code it.parallel.out} on four sessions at once. */
@MessageDriven(activationConfig = {
    @ActivationConfigProperty(propertyName = "destinationType", propertyValue = "jakarta.jms.Queue"),
    @ActivationConfigProperty(propertyName = "destination", propertyValue = ItNames.PARALLEL_QUEUE),
    @ActivationConfigProperty(propertyName = "maxSession", propertyValue = "" + ItNames.PARALLEL_SESSIONS),
})
@ResourceAdapter("keel.rar")
public class ParallelMdb extends Forwarder {
    @Override
    protected String queue() {
        return ItNames.PARALLEL_QUEUE;
    }

    @Override
    protected long workMillis() {
        return 50;
    }
}
