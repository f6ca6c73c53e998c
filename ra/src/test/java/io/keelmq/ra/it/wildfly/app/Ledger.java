package io.keelmq.ra.it.wildfly.app;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the message-driven beans saw, for the tests to ask through {@link ItServlet}: how often each message was
 * delivered (key: queue and text), and the most deliveries in progress at one time.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Ledger {
    private final Map<String, AtomicInteger> deliveries = new ConcurrentHashMap<>();
    private final AtomicInteger inProgress = new AtomicInteger();
    private final AtomicInteger maxInProgress = new AtomicInteger();

    public void begin(String queue, String text) {
        deliveries.computeIfAbsent(queue + "/" + text, k -> new AtomicInteger()).incrementAndGet();
        maxInProgress.accumulateAndGet(inProgress.incrementAndGet(), Math::max);
    }

    public void end() {
        inProgress.decrementAndGet();
    }

    public int deliveries(String queue, String text) {
        AtomicInteger count = deliveries.get(queue + "/" + text);
        return count == null ? 0 : count.get();
    }

    /** Deliveries of every message of {@code queue} whose text starts with {@code prefix}, summed. */
    public int deliveriesOfAll(String queue, String prefix) {
        String start = queue + "/" + prefix;
        return deliveries.entrySet().stream().filter(e -> e.getKey().startsWith(start))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    public int maxInProgress() {
        return maxInProgress.get();
    }
}
