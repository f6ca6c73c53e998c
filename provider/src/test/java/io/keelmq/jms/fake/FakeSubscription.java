package io.keelmq.jms.fake;

import io.keelmq.protocol.message.DestinationRef;

import java.util.ArrayList;
import java.util.List;

/**
 * A queue (its one implicit shared subscription) or a topic subscription of the fake broker: its own copy of each
 * message's delivery state, as the architecture describes consumption on a log.
 */
final class FakeSubscription {
    final String key;
    final DestinationRef destination;
    final boolean durable;
    final String selector;
    final boolean noLocal;
    final List<FakeEntry> entries = new ArrayList<>();
    final List<FakeConsumer> consumers = new ArrayList<>();
    /** False once a non-durable topic subscription lost its consumers: it takes no new messages. */
    boolean attached = true;

    FakeSubscription(String key, DestinationRef destination, boolean durable, String selector, boolean noLocal) {
        this.key = key;
        this.destination = destination;
        this.durable = durable;
        this.selector = selector;
        this.noLocal = noLocal;
    }

    FakeEntry find(int partition, long offset) {
        for (FakeEntry e : entries) {
            if (e.partition == partition && e.offset == offset) {
                return e;
            }
        }
        return null;
    }
}
