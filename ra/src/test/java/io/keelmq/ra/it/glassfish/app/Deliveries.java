package io.keelmq.ra.it.glassfish.app;

import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.Singleton;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the message-driven beans of one test application received, per queue: every delivery (so a duplicate shows as
 * a repeated line) and the threads that ran them. Read by {@link DeliveriesServlet}.
 */
@Singleton
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Deliveries {
    private final Map<String, ConcurrentLinkedQueue<String>> texts = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> threads = new ConcurrentHashMap<>();

    public void record(String queue, String line) {
        texts.computeIfAbsent(queue, q -> new ConcurrentLinkedQueue<>()).add(line);
        threads.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread().getName());
    }

    public List<String> of(String queue) {
        return List.copyOf(texts.getOrDefault(queue, new ConcurrentLinkedQueue<>()));
    }

    public int threadsOf(String queue) {
        return threads.getOrDefault(queue, Set.of()).size();
    }
}
