package io.keelmq.jms.provider.failover;

import io.keelmq.jms.provider.AckMode;
import io.keelmq.jms.provider.ConsumerInfo;
import io.keelmq.jms.provider.Provider;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a connection created on its broker that a new broker connection must create again before the application's
 * requests go to it: the client id it set, its sessions, temporary destinations, the producer groups of its
 * transactional producers and its consumers (durable and shared subscriptions are re-attached by name). Plus, per
 * transacted session, whether its transaction was cut by a failover.
 *
 * <p>{@link #lock()} is held by whoever changes what is recorded together with the request that changes it on the
 * broker, and by a failover while it replays, so a session or consumer is never half there.
 */
final class ReplayState {
    private final ReentrantLock lock = new ReentrantLock();
    private volatile String clientId;
    private final Map<Long, SessionRecord> sessions = new ConcurrentHashMap<>();
    private final Set<DestinationRef> temporaries = ConcurrentHashMap.newKeySet();
    private final Map<Long, ProducerGroup> groups = new ConcurrentHashMap<>();
    private final Map<Long, ConsumerInfo> consumers = new ConcurrentHashMap<>();

    private record ProducerGroup(DestinationRef destination, String group) {
    }

    /** One session; the transaction flags matter only for a transacted one. */
    private static final class SessionRecord {
        final AckMode ackMode;
        /** It sent in its current transaction. */
        volatile boolean sent;
        /** A failover cut its transaction: the broker that held the transaction's sends is gone. */
        volatile boolean interrupted;

        SessionRecord(AckMode ackMode) {
            this.ackMode = ackMode;
        }
    }

    ReentrantLock lock() {
        return lock;
    }

    void clientId(String id) {
        clientId = id;
    }

    void sessionCreated(long sessionId, AckMode ackMode) {
        sessions.put(sessionId, new SessionRecord(ackMode));
    }

    /** The broker drops a closed session's consumers with it. */
    void sessionClosed(long sessionId) {
        sessions.remove(sessionId);
        consumers.values().removeIf(c -> c.sessionId() == sessionId);
    }

    void consumerCreated(ConsumerInfo consumer) {
        consumers.put(consumer.consumerId(), consumer);
    }

    void consumerClosed(long consumerId) {
        consumers.remove(consumerId);
    }

    boolean hasConsumer(long consumerId) {
        return consumers.containsKey(consumerId);
    }

    void producerGroupJoined(long producerId, DestinationRef destination, String group) {
        groups.put(producerId, new ProducerGroup(destination, group));
    }

    void destinationCreated(DestinationRef destination) {
        if (destination.kind().isTemporary()) {
            temporaries.add(destination);
        }
    }

    void destinationDeleted(DestinationRef destination) {
        temporaries.remove(destination);
    }

    /** A send of session {@code sessionId} is on its way: in a transacted session it belongs to the transaction. */
    void sending(long sessionId) {
        SessionRecord session = sessions.get(sessionId);
        if (session != null && session.ackMode == AckMode.TRANSACTED) {
            session.sent = true;
        }
    }

    /**
     * A transacted session's commit or rollback is about to go out: whether its transaction was cut by a failover
     * (it sent before the failover, or it commits messages it consumed since the transaction began, some of them
     * maybe from the lost broker). The flags are cleared: the next transaction starts clean either way.
     */
    boolean endTransaction(long sessionId, boolean consumedAny) {
        SessionRecord session = sessions.get(sessionId);
        if (session == null) {
            return false;
        }
        boolean cut = session.interrupted && (session.sent || consumedAny);
        session.interrupted = false;
        session.sent = false;
        return cut;
    }

    /**
     * Creates everything again on {@code provider}, a new connection to a broker, and marks every transacted session
     * whose transaction began before it. The caller holds {@link #lock()}.
     */
    void replay(Provider provider) throws JMSException {
        String id = clientId;
        if (id != null) {
            provider.setClientId(id);
        }
        List<Map.Entry<Long, SessionRecord>> bySession = new ArrayList<>(sessions.entrySet());
        bySession.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Long, SessionRecord> session : bySession) {
            provider.createSession(session.getKey(), session.getValue().ackMode);
        }
        for (DestinationRef temporary : temporaries) {
            provider.createDestination(temporary);
        }
        for (Map.Entry<Long, ProducerGroup> group : groups.entrySet()) {
            provider.createProducer(group.getKey(), group.getValue().destination(), group.getValue().group());
        }
        List<ConsumerInfo> byId = new ArrayList<>(consumers.values());
        byId.sort(Comparator.comparingLong(ConsumerInfo::consumerId));
        for (ConsumerInfo consumer : byId) {
            provider.createConsumer(consumer);
        }
        for (SessionRecord session : sessions.values()) {
            if (session.ackMode == AckMode.TRANSACTED) {
                session.interrupted = true;
            }
        }
    }
}
