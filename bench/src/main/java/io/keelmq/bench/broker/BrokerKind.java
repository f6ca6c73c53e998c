package io.keelmq.bench.broker;

/**
 * The brokers a run compares, each with the client that drives it; KeelMQ always runs first in a round, so rounds go
 * A B A B (or A B C A B C).
 */
public enum BrokerKind {
    KEEL("KeelMQ", "KeelMQ's JMS client (keel-jms) through jakarta.jms"),
    ARTEMIS("Artemis", "Artemis's JMS client (artemis-jakarta-client) through jakarta.jms"),
    ROCKETMQ("RocketMQ", "RocketMQ's remoting client (rocketmq-client, not JMS: DefaultMQProducer synchronous send, "
            + "DefaultLitePullConsumer poll)");

    private final String label;
    private final String client;

    BrokerKind(String label, String client) {
        this.label = label;
        this.client = client;
    }

    public String label() {
        return label;
    }

    /** The client library the load goes through: it differs between brokers, and the report says so. */
    public String client() {
        return client;
    }

    /** Whether the broker is driven through jakarta.jms, the same client code as KeelMQ's. */
    public boolean jms() {
        return this != ROCKETMQ;
    }
}
