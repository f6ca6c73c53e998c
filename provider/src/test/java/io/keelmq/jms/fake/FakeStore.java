package io.keelmq.jms.fake;

import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.selector.Selector;
import io.keelmq.protocol.selector.SelectorContext;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake broker's destinations: queues are one shared subscription each, topics fan out to their attached
 * subscriptions. Callers hold the broker's lock.
 */
final class FakeStore {
    record Stored(int partition, long offset) {
    }

    private final int partitions;
    final Map<String, FakeSubscription> queues = new LinkedHashMap<>();
    final Map<String, List<FakeSubscription>> topicSubscriptions = new LinkedHashMap<>();
    final Map<String, FakeSubscription> named = new LinkedHashMap<>();
    /** Temporary destinations by store key, with their owning connection. */
    final Map<String, FakeConnection> temporaries = new LinkedHashMap<>();
    private final Map<String, long[]> nextOffsets = new HashMap<>();
    private final Map<String, Stored> storedIds = new HashMap<>();
    private int roundRobin;

    FakeStore(int partitions) {
        this.partitions = partitions;
    }

    static String key(DestinationRef ref) {
        String kind = switch (ref.kind()) {
            case QUEUE -> "queue";
            case TOPIC -> "topic";
            case TEMPORARY_QUEUE -> "tempqueue";
            case TEMPORARY_TOPIC -> "temptopic";
        };
        return kind + "/" + ref.name();
    }

    boolean exists(DestinationRef ref) {
        return !ref.kind().isTemporary() || temporaries.containsKey(key(ref));
    }

    FakeSubscription queue(DestinationRef ref) {
        return queues.computeIfAbsent(key(ref), k -> new FakeSubscription(k, ref, true, null, false));
    }

    /** The position a message id was stored at, if it was (for retry=true). */
    Stored stored(String messageId) {
        return storedIds.get(messageId);
    }

    /** Appends to the destination's log; returns where, and the subscriptions that got it. */
    Stored append(WireMessage message, String producerConnection, List<FakeSubscription> touched) {
        DestinationRef ref = message.getDestination();
        String key = key(ref);
        int partition = Math.floorMod(roundRobin++, partitions);
        long offset = nextOffsets.computeIfAbsent(key, k -> new long[partitions])[partition]++;
        List<FakeSubscription> targets = new ArrayList<>();
        if (ref.kind().isQueue()) {
            targets.add(queue(ref));
        } else {
            for (FakeSubscription s : topicSubscriptions.getOrDefault(key, List.of())) {
                if (s.attached) {
                    targets.add(s);
                }
            }
        }
        for (FakeSubscription s : targets) {
            s.entries.add(new FakeEntry(partition, offset, message, producerConnection));
        }
        touched.addAll(targets);
        Stored stored = new Stored(partition, offset);
        storedIds.put(message.getMessageId(), stored);
        return stored;
    }

    FakeSubscription attachTopicSubscription(FakeSubscription s) {
        topicSubscriptions.computeIfAbsent(key(s.destination), k -> new ArrayList<>()).add(s);
        return s;
    }

    /** Detached subscriptions take no new messages; their entries stay so in-flight ones can still be settled. */
    void detach(FakeSubscription s) {
        named.values().remove(s);
        s.attached = false;
    }

    /** Takes available messages for a consumer: released ones first, then in arrival order. */
    List<FakeEntry> claim(FakeConsumer c, int maxMessages, long maxBytes) {
        List<FakeEntry> candidates = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (FakeEntry e : c.subscription.entries) {
            if (e.state == FakeEntry.State.AVAILABLE && e.message.getDeliveryTime() <= now
                    && matches(c.selector, e.message)
                    && !(c.noLocal && c.connection.connectionId.equals(e.producerConnection))) {
                candidates.add(e);
            }
        }
        candidates.sort(Comparator.comparing((FakeEntry e) -> !e.releasedFirst));
        List<FakeEntry> claimed = new ArrayList<>();
        long bytes = 0;
        for (FakeEntry e : candidates) {
            int size = FakeCodec.encodedSize(e);
            if (claimed.size() >= maxMessages || (!claimed.isEmpty() && bytes + size > maxBytes)) {
                break;
            }
            bytes += size;
            e.state = FakeEntry.State.IN_FLIGHT;
            e.holder = c.connection;
            e.sessionId = c.sessionId;
            e.consumerId = c.consumerId;
            e.deliveryCount++;
            e.releasedFirst = false;
            claimed.add(e);
        }
        return claimed;
    }

    static boolean matches(Selector selector, WireMessage m) {
        if (selector == null) {
            return true;
        }
        Map<String, Object> values = new HashMap<>(m.getProperties());
        values.put(SelectorContext.JMS_DELIVERY_MODE, m.getDeliveryMode() == WireMessage.PERSISTENT
                ? SelectorContext.PERSISTENT : SelectorContext.NON_PERSISTENT);
        values.put(SelectorContext.JMS_PRIORITY, m.getPriority());
        values.put(SelectorContext.JMS_MESSAGE_ID, m.getMessageId());
        values.put(SelectorContext.JMS_TIMESTAMP, m.getTimestamp());
        values.put(SelectorContext.JMS_CORRELATION_ID, m.getCorrelationId());
        values.put(SelectorContext.JMS_TYPE, m.getType());
        return selector.matches(SelectorContext.of(values));
    }

    /** Every entry in flight for a session, across all subscriptions. */
    List<FakeEntry> inFlight(long sessionId, FakeConnection connection) {
        List<FakeEntry> result = new ArrayList<>();
        for (FakeSubscription s : allSubscriptions()) {
            for (FakeEntry e : s.entries) {
                if (e.state == FakeEntry.State.IN_FLIGHT && e.sessionId == sessionId && e.holder == connection) {
                    result.add(e);
                }
            }
        }
        return result;
    }

    List<FakeSubscription> allSubscriptions() {
        List<FakeSubscription> all = new ArrayList<>(queues.values());
        topicSubscriptions.values().forEach(all::addAll);
        for (FakeSubscription s : named.values()) {
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        return all;
    }
}
