package io.keelmq.bench.broker;

/** The brokers a run compares; KeelMQ always runs first in a round, so rounds go A B A B. */
public enum BrokerKind {
    KEEL("KeelMQ"),
    ARTEMIS("Artemis");

    private final String label;

    BrokerKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
