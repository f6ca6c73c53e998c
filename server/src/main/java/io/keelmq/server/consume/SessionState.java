package io.keelmq.server.consume;

import io.keelmq.server.tx.Transaction;
import io.keelmq.server.tx.XaXid;

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
    /** The open transaction of a TRANSACTED session, null for other modes. */
    private volatile Transaction transaction;
    /** The XA branch the session's work belongs to between XA_START and XA_END, or null. */
    private volatile XaXid xaBranch;

    public SessionState(long id, AckMode ackMode) {
        this.id = id;
        this.ackMode = ackMode;
    }

    public boolean isTransacted() {
        return ackMode == AckMode.TRANSACTED;
    }

    /** The open transaction (TRANSACTED sessions), or null. */
    public Transaction transaction() {
        return transaction;
    }

    /** Ends the open transaction and opens {@code next} (null when the session closes); returns the ended one. */
    public Transaction swapTransaction(Transaction next) {
        Transaction ended = transaction;
        transaction = next;
        return ended;
    }

    public XaXid xaBranch() {
        return xaBranch;
    }

    public void xaBranch(XaXid branch) {
        this.xaBranch = branch;
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
