package io.keelmq.bench.broker;

import io.keelmq.bench.load.JmsLoadClient;
import io.keelmq.bench.load.LoadClient;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;

/** A broker with a Jakarta Messaging client (KeelMQ, Artemis): the scenarios that need more than sends and receives. */
public interface JmsBroker extends Broker {
    /** A new factory for this broker's address; every producer and consumer opens its own connection from it. */
    ConnectionFactory connectionFactory() throws JMSException;

    @Override
    default LoadClient client() {
        return new JmsLoadClient(this::connectionFactory);
    }

    /** {@code broker} as a JMS broker, or a clear error for a scenario that needs JMS. */
    static JmsBroker of(Broker broker, String scenario) {
        if (broker instanceof JmsBroker jms) {
            return jms;
        }
        throw new IllegalArgumentException(scenario + " needs a Jakarta Messaging client; " + broker.kind().label()
                + " has none");
    }
}
