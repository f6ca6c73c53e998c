package io.keelmq.jms.provider;

/** Where a message sits in its destination's log: what ACK lists. */
public record Position(int partition, long queueOffset) {
}
