package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.AckBody;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.protocol.selector.SelectorParseException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** The consuming requests of one fake connection: consumers, pulls, acknowledgements, recovery, browsing. */
final class FakeConsuming {
    /** The header of a standing pull's partial answer. */
    private static final java.util.Map<String, String> MORE = java.util.Map.of("more", "true");
    private final FakeConnection connection;
    private final FakeBroker broker;

    FakeConsuming(FakeConnection connection) {
        this.connection = connection;
        this.broker = connection.broker;
    }

    Frame createConsumer(Frame f, FakeHeaders h) {
        long sessionId = h.requiredLong("sessionId");
        long consumerId = h.requiredLong("consumerId");
        DestinationRef ref = h.destination("destinationKind", "destination", null);
        String selectorText = h.optional("selector");
        boolean noLocal = h.requiredBool("noLocal");
        boolean durable = h.requiredBool("durable");
        boolean shared = h.requiredBool("shared");
        String subscriptionName = h.optional("subscriptionName");
        if (!connection.sessions.containsKey(sessionId)) {
            throw h.violation("unknown session " + sessionId);
        }
        if (connection.consumers.containsKey(consumerId) || connection.closedConsumers.containsKey(consumerId)) {
            throw h.violation("consumer id " + consumerId + " reused");
        }
        if ((durable || shared) && (subscriptionName == null || subscriptionName.isEmpty())) {
            throw h.violation("durable/shared consumer without subscriptionName");
        }
        if (!durable && !shared && subscriptionName != null) {
            throw h.violation("subscriptionName on a plain consumer");
        }
        Selector selector;
        try {
            selector = selectorText == null ? null : Selector.parse(selectorText);
        } catch (SelectorParseException e) {
            throw new Refusal(ErrorCode.INVALID_SELECTOR, e.getMessage());
        }
        if (!broker.store.exists(ref)) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no destination " + FakeStore.key(ref));
        }
        FakeSubscription subscription = subscriptionFor(ref, selectorText, noLocal, subscriptionName, durable,
                shared);
        FakeConsumer consumer = new FakeConsumer(connection, sessionId, consumerId, subscription, selector,
                noLocal);
        subscription.consumers.add(consumer);
        connection.consumers.put(consumerId, consumer);
        return FakeConnection.ok(f);
    }

    private FakeSubscription subscriptionFor(DestinationRef ref, String selector, boolean noLocal, String name,
                                             boolean durable, boolean shared) {
        FakeStore store = broker.store;
        if (ref.kind().isQueue()) {
            return store.queue(ref);
        }
        if (!durable && !shared) {
            return store.attachTopicSubscription(new FakeSubscription("sub-" + System.nanoTime(), ref, false,
                    selector, noLocal));
        }
        if (durable && !shared && connection.clientId == null) {
            throw new Refusal(ErrorCode.ILLEGAL_STATE, "an unshared durable subscription needs a client id");
        }
        String key = (shared ? "shared" : "") + (durable ? "durable" : "") + ":"
                + (connection.clientId == null ? "" : connection.clientId) + ":" + name;
        FakeSubscription existing = store.named.get(key);
        if (existing != null) {
            if (!shared && !existing.consumers.isEmpty()) {
                throw new Refusal(ErrorCode.ILLEGAL_STATE, "durable subscription " + name + " is active");
            }
            return existing;
        }
        FakeSubscription created = store.attachTopicSubscription(new FakeSubscription(key, ref, durable, selector,
                noLocal));
        store.named.put(key, created);
        return created;
    }

    Frame closeConsumer(Frame f, FakeHeaders h) {
        long consumerId = h.requiredLong("consumerId");
        FakeConsumer consumer = connection.consumers.get(consumerId);
        if (consumer == null) {
            throw h.violation("CLOSE_CONSUMER of unknown consumer " + consumerId);
        }
        for (FakeCodec.Ref ref : FakeCodec.undelivered(f.body())) {
            if (ref.consumerId() != consumerId) {
                broker.violation("CLOSE_CONSUMER " + consumerId + " lists a message of consumer " + ref.consumerId());
            }
            FakeEntry e = inFlight(consumer.subscription, ref.partition(), ref.offset(), consumerId);
            if (e != null) {
                e.release(false);
            }
        }
        close(consumer);
        connection.afterAnswer.add(() -> wake(consumer.subscription));
        return FakeConnection.ok(f);
    }

    /** The consumer goes; a held pull is answered empty first; its delivered messages stay with the session. */
    private void close(FakeConsumer consumer) {
        answerHeld(consumer, List.of());
        consumer.closed = true;
        consumer.subscription.consumers.remove(consumer);
        connection.consumers.remove(consumer.consumerId);
        connection.closedConsumers.put(consumer.consumerId, consumer);
        FakeSubscription s = consumer.subscription;
        if (!s.durable && s.consumers.isEmpty() && !s.destination.kind().isQueue()) {
            broker.store.detach(s);
        }
    }

    Frame pull(Frame f, FakeHeaders h) {
        long consumerId = h.requiredLong("consumerId");
        int maxMessages = h.requiredInt("maxMessages");
        long maxBytes = h.requiredLong("maxBytes");
        long holdMillis = h.requiredLong("holdMillis");
        // Zero messages without a hold only ends the held pull (a closing consumer's last PULL).
        if (maxMessages < 0 || maxBytes < 1 || holdMillis < 0 || (maxMessages == 0 && holdMillis != 0)) {
            throw h.violation("PULL window " + maxMessages + "/" + maxBytes + "/" + holdMillis);
        }
        FakeConsumer consumer = connection.consumers.get(consumerId);
        if (consumer == null) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no consumer " + consumerId);
        }
        answerHeld(consumer, List.of());
        String standing = h.optional("standing");
        long standingId = standing == null ? 0 : h.requiredLong("standing");
        if (standingId != 0 && holdMillis == 0) {
            throw h.violation("a standing PULL without a hold time");
        }
        List<FakeEntry> claimed = standingId != 0 ? List.of() : broker.store.claim(consumer, maxMessages, maxBytes);
        if (standingId == 0 && (!claimed.isEmpty() || holdMillis == 0)) {
            return Frame.responseTo(f, null, FakeCodec.deliveries(claimed));
        }
        ScheduledFuture<?> timeout = broker.timer.schedule(() -> {
            synchronized (broker) {
                if (consumer.held != null && consumer.held.request() == f) {
                    answerHeld(consumer, List.of());
                }
            }
        }, Math.min(holdMillis, broker.maxHoldMillis), TimeUnit.MILLISECONDS);
        consumer.held = new FakeConsumer.HeldPull(f, standingId, maxMessages, maxBytes, timeout);
        if (standingId != 0) {
            serve(consumer);
        }
        return null;
    }

    /** CREDIT (ONEWAY): widens the consumer's standing pull if it is the one named; otherwise nothing. */
    Frame credit(Frame f, FakeHeaders h) {
        if (!f.isOneway()) {
            broker.violation("CREDIT expecting an answer");
        }
        FakeConsumer consumer = connection.consumers.get(h.requiredLong("consumerId"));
        long standingId = h.requiredLong("standing");
        long messages = h.requiredLong("messages");
        long bytes = h.requiredLong("bytes");
        if (consumer == null || consumer.held == null || consumer.held.standingId != standingId) {
            return null;
        }
        FakeConsumer.HeldPull held = consumer.held;
        held.grantedMessages = Math.max(held.grantedMessages, messages);
        held.grantedBytes = Math.max(held.grantedBytes, bytes);
        serve(consumer);
        return null;
    }

    private static void answerHeld(FakeConsumer consumer, List<FakeEntry> deliveries) {
        FakeConsumer.HeldPull held = consumer.held;
        if (held == null) {
            return;
        }
        consumer.held = null;
        if (held.timeout() != null) {
            held.timeout().cancel(false);
        }
        consumer.connection.send(Frame.responseTo(held.request(), null, FakeCodec.deliveries(deliveries)));
    }

    /** Something became available: answer held pulls that can now be served. */
    static void wake(FakeSubscription subscription) {
        for (FakeConsumer consumer : new ArrayList<>(subscription.consumers)) {
            FakeConsumer.HeldPull held = consumer.held;
            if (held != null && !consumer.closed && !consumer.connection.closed) {
                if (held.standingId != 0) {
                    serve(consumer);
                    continue;
                }
                List<FakeEntry> claimed = consumer.connection.broker.store.claim(consumer, held.maxMessages(),
                        held.maxBytes());
                if (!claimed.isEmpty()) {
                    answerHeld(consumer, claimed);
                }
            }
        }
    }

    /**
     * A standing pull: sends what its window allows as partial answers, claim after claim while the window has room
     * (a claim's first message goes even past the byte window, as at the real broker), and stays held.
     */
    private static void serve(FakeConsumer consumer) {
        FakeConsumer.HeldPull held = consumer.held;
        while (held != null && held.hasCredit() && !consumer.closed && !consumer.connection.closed) {
            List<FakeEntry> claimed = consumer.connection.broker.store.claim(consumer, held.maxMessages(),
                    held.maxBytes());
            if (claimed.isEmpty()) {
                return;
            }
            held.sentMessages += claimed.size();
            for (FakeEntry e : claimed) {
                held.sentBytes += FakeCodec.deliveredSize(e);
            }
            consumer.connection.send(Frame.responseTo(held.request(), MORE, FakeCodec.deliveries(claimed)));
        }
    }

    /** ACK in its compact form (protocol/README.md): no headers, everything in the body. */
    Frame ack(Frame f, FakeHeaders h) {
        if (!f.headers().isEmpty()) {
            broker.violation("the client sent an ACK with headers " + f.headers() + ", not the compact form");
        }
        AckBody ack = AckBody.decode(f.body());
        long consumerId = ack.consumerId();
        if (ack.cumulative()) {
            broker.violation("the client sent a cumulative ACK");
        }
        FakeConsumer consumer = connection.consumers.get(consumerId);
        if (consumer == null) {
            consumer = connection.closedConsumers.get(consumerId);
        }
        if (consumer == null) {
            throw h.violation("ACK for unknown consumer " + consumerId);
        }
        List<FakeCodec.Pos> positions = new ArrayList<>();
        for (int i = 0; i < ack.partitions().length; i++) {
            positions.add(new FakeCodec.Pos(ack.partitions()[i], ack.queueOffsets()[i]));
        }
        if (positions.isEmpty()) {
            broker.violation("empty ACK for consumer " + consumerId);
        }
        for (FakeCodec.Pos p : positions) {
            FakeEntry e = inFlight(consumer.subscription, p.partition(), p.offset(), consumerId);
            if (e == null) {
                throw new Refusal(ErrorCode.ILLEGAL_STATE, "message " + p + " is not in flight for consumer "
                        + consumerId);
            }
            e.state = FakeEntry.State.ACKED;
        }
        return FakeConnection.ok(f);
    }

    Frame recover(Frame f, FakeHeaders h) {
        long sessionId = h.requiredLong("sessionId");
        if (!connection.sessions.containsKey(sessionId)) {
            throw h.violation("RECOVER of unknown session " + sessionId);
        }
        List<FakeSubscription> touched = release(sessionId, FakeCodec.undelivered(f.body()));
        // The answer goes out before released messages wake any held pull: deliveries that follow the answer on
        // the wire are then all new to the client.
        connection.afterAnswer.add(() -> touched.forEach(FakeConsuming::wake));
        return FakeConnection.ok(f);
    }

    /**
     * COMMIT: the fake stores sends at once (it does not hide a transaction's sends), so a commit only acknowledges
     * the consumed messages its body lists; a listed message not in flight to that consumer is a client bug.
     */
    Frame commit(Frame f, FakeHeaders h) {
        long sessionId = transactedSession(h, "COMMIT");
        for (FakeCodec.Ref ref : FakeCodec.undelivered(f.body())) {
            FakeConsumer consumer = connection.consumers.get(ref.consumerId());
            if (consumer == null) {
                consumer = connection.closedConsumers.get(ref.consumerId());
            }
            FakeEntry e = consumer == null || consumer.sessionId != sessionId ? null
                    : inFlight(consumer.subscription, ref.partition(), ref.offset(), ref.consumerId());
            if (e == null) {
                throw h.violation("COMMIT lists " + ref + ", which is not in flight for that consumer of session "
                        + sessionId);
            }
            e.state = FakeEntry.State.ACKED;
        }
        return FakeConnection.ok(f);
    }

    /**
     * ROLLBACK: the body lists the messages the application consumed in the transaction; they are released with a
     * delivery-count increment, every other message in flight for the session without one.
     */
    Frame rollback(Frame f, FakeHeaders h) {
        long sessionId = transactedSession(h, "ROLLBACK");
        List<FakeEntry> inFlight = broker.store.inFlight(sessionId, connection);
        for (FakeCodec.Ref ref : FakeCodec.undelivered(f.body())) {
            FakeEntry match = find(inFlight, ref);
            if (match == null) {
                broker.violation("ROLLBACK's consumed list names " + ref + ", which is not in flight for session "
                        + sessionId);
                continue;
            }
            match.release(true);
            inFlight.remove(match);
        }
        for (FakeEntry e : inFlight) {
            e.release(false);
        }
        List<FakeSubscription> touched = new ArrayList<>(broker.store.allSubscriptions());
        connection.afterAnswer.add(() -> touched.forEach(FakeConsuming::wake));
        return FakeConnection.ok(f);
    }

    private static FakeEntry find(List<FakeEntry> inFlight, FakeCodec.Ref ref) {
        FakeEntry match = null;
        for (FakeEntry e : inFlight) {
            if (e.partition == ref.partition() && e.offset == ref.offset() && e.consumerId == ref.consumerId()) {
                match = e;
            }
        }
        return match;
    }

    private long transactedSession(FakeHeaders h, String what) {
        long sessionId = h.requiredLong("sessionId");
        if (!"TRANSACTED".equals(connection.sessions.get(sessionId))) {
            throw h.violation(what + " of session " + sessionId + ", which is not a transacted session");
        }
        return sessionId;
    }

    Frame closeSession(Frame f, FakeHeaders h) {
        long sessionId = h.requiredLong("sessionId");
        if (!connection.sessions.containsKey(sessionId)) {
            throw h.violation("CLOSE_SESSION of unknown session " + sessionId);
        }
        List<FakeSubscription> touched = endSession(sessionId, FakeCodec.undelivered(f.body()));
        connection.afterAnswer.add(() -> touched.forEach(FakeConsuming::wake));
        return FakeConnection.ok(f);
    }

    /** Releases the session's messages and closes its consumers; the session is gone. */
    List<FakeSubscription> endSession(long sessionId, List<FakeCodec.Ref> undelivered) {
        List<FakeSubscription> touched = release(sessionId, undelivered);
        for (FakeConsumer consumer : new ArrayList<>(connection.consumers.values())) {
            if (consumer.sessionId == sessionId) {
                close(consumer);
            }
        }
        connection.sessions.remove(sessionId);
        return touched;
    }

    /** Listed messages go back without an increment, every other one in flight for the session with one. */
    private List<FakeSubscription> release(long sessionId, List<FakeCodec.Ref> undelivered) {
        List<FakeEntry> inFlight = broker.store.inFlight(sessionId, connection);
        List<FakeSubscription> touched = new ArrayList<>();
        for (FakeCodec.Ref ref : undelivered) {
            FakeEntry match = find(inFlight, ref);
            if (match == null) {
                broker.violation("undelivered list names " + ref + ", which is not in flight for session "
                        + sessionId);
                continue;
            }
            match.release(false);
            inFlight.remove(match);
        }
        for (FakeEntry e : inFlight) {
            e.release(true);
        }
        for (FakeSubscription s : broker.store.allSubscriptions()) {
            touched.add(s);
        }
        return touched;
    }

    private FakeEntry inFlight(FakeSubscription s, int partition, long offset, long consumerId) {
        FakeEntry e = s.find(partition, offset);
        if (e == null || e.state != FakeEntry.State.IN_FLIGHT || e.consumerId != consumerId
                || e.holder != connection) {
            broker.violation("message " + partition + "/" + offset + " is not in flight for consumer " + consumerId
                    + ": " + e);
            return null;
        }
        return e;
    }

    Frame unsubscribe(Frame f, FakeHeaders h) {
        String name = h.required("subscriptionName");
        String id = connection.clientId == null ? "" : connection.clientId;
        FakeSubscription s = broker.store.named.get("durable:" + id + ":" + name);
        if (s == null) {
            s = broker.store.named.get("shareddurable:" + id + ":" + name);
        }
        if (s == null) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no durable subscription " + name);
        }
        if (!s.consumers.isEmpty()) {
            throw new Refusal(ErrorCode.ILLEGAL_STATE, "subscription " + name + " has an active consumer");
        }
        broker.store.detach(s);
        return FakeConnection.ok(f);
    }

    Frame browse(Frame f, FakeHeaders h) {
        DestinationRef ref = h.destination("destinationKind", "destination", DestinationRef.Kind.QUEUE);
        String selectorText = h.optional("selector");
        int fromPartition = h.requiredInt("fromPartition");
        long fromOffset = h.requiredLong("fromOffset");
        int maxMessages = h.requiredInt("maxMessages");
        // maxMessages 0: the check a client sends when a QueueBrowser is created; it reads nothing
        if (!ref.kind().isQueue() || maxMessages < 0) {
            throw h.violation("BROWSE of " + ref + " for " + maxMessages);
        }
        Selector selector;
        try {
            selector = selectorText == null ? null : Selector.parse(selectorText);
        } catch (SelectorParseException e) {
            throw new Refusal(ErrorCode.INVALID_SELECTOR, e.getMessage());
        }
        FakeSubscription queue = broker.store.queues.get(FakeStore.key(ref));
        List<FakeEntry> candidates = new ArrayList<>();
        if (queue != null) {
            for (FakeEntry e : queue.entries) {
                boolean after = e.partition > fromPartition || (e.partition == fromPartition && e.offset >= fromOffset);
                if (after && e.state != FakeEntry.State.ACKED && FakeStore.matches(selector, e.message)) {
                    candidates.add(e);
                }
            }
        }
        candidates.sort(Comparator.comparingInt((FakeEntry e) -> e.partition).thenComparingLong(e -> e.offset));
        List<FakeEntry> page = candidates.subList(0, Math.min(maxMessages, candidates.size()));
        boolean more = candidates.size() > page.size();
        FakeEntry next = more ? candidates.get(page.size()) : null;
        return Frame.responseTo(f, null, FakeCodec.browse(new ArrayList<>(page), next == null ? 0 : next.partition,
                next == null ? -1 : next.offset));
    }
}
