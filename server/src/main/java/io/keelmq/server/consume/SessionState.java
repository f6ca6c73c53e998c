package io.keelmq.server.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session of a connection. Its consumers include closed ones that still have messages in
 * flight: after CLOSE_CONSUMER, messages the application received stay with the session
 * until they are acknowledged, recovered or the session closes.
 */
public final class SessionState {
    private final long id;
    private final AckMode ackMode;
    private final Map<Long, ConsumerState> consumers = new ConcurrentHashMap<>();

    public SessionState(long id, AckMode ackMode) {
        this.id = id;
        this.ackMode = ackMode;
    }

    public long id() {
        return id;
    }

    public AckMode ackMode() {
        return ackMode;
    }

    public void add(ConsumerState consumer) {
        consumers.put(consumer.id(), consumer);
    }

    public void remove(ConsumerState consumer) {
        consumers.remove(consumer.id(), consumer);
    }

    /** Open consumers and closed ones still holding messages. */
    public List<ConsumerState> consumers() {
        return new ArrayList<>(consumers.values());
    }
}
