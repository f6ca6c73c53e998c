package io.keelmq.server.tx;

import io.keelmq.store.AppendResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The open transaction of one transacted session: the sends handed to the send path (a COMMIT
 * waits until each is answered, so a one-way or pipelined send before it is part of it) and the
 * commit-log offsets of the half records they stored. Sends are registered on the connection's
 * request thread, halves from the store's completion threads.
 */
public final class Transaction {
    private final String id;
    private final List<CompletableFuture<?>> sends = new ArrayList<>();
    private final List<Long> halves = new ArrayList<>();
    /** An operator's decision on an XA branch: its COMMIT record says so (see {@link OpRecords}). */
    private volatile boolean heuristic;

    Transaction(String id) {
        this.id = id;
    }

    /** Unique in the broker's log: the op records of this transaction carry it as their message id. */
    public String id() {
        return id;
    }

    /** A send of this transaction is on its way; {@code settled} completes (either way) once it is answered. */
    public synchronized void sending(CompletableFuture<?> settled) {
        sends.add(settled);
    }

    /** Half records of this transaction were appended (durable or not: the COMMIT record's force covers them). */
    public synchronized void stored(List<AppendResult.AppendedRecord> records) {
        for (AppendResult.AppendedRecord record : records) {
            halves.add(record.physicalOffset());
        }
    }

    /** Completes once every send registered so far is answered, successfully or not. */
    public synchronized CompletableFuture<Void> sendsSettled() {
        CompletableFuture<?>[] all = sends.stream().map(send -> send.handle((ok, failure) -> null))
                .toArray(CompletableFuture[]::new);
        return CompletableFuture.allOf(all);
    }

    /** The half offsets in commit-log order, which is the order the session sent them in. */
    public synchronized List<Long> halves() {
        List<Long> sorted = new ArrayList<>(halves);
        sorted.sort(null);
        return sorted;
    }

    void heuristic(boolean heuristic) {
        this.heuristic = heuristic;
    }

    boolean heuristic() {
        return heuristic;
    }

    /** No send was handed to this transaction yet. */
    public synchronized boolean isEmpty() {
        return sends.isEmpty() && halves.isEmpty();
    }

    /** Lowest half offset, or Long.MAX_VALUE: what retention must keep for this transaction. */
    synchronized long lowestHalf() {
        long lowest = Long.MAX_VALUE;
        for (long offset : halves) {
            lowest = Math.min(lowest, offset);
        }
        return lowest;
    }

    synchronized void recovered(List<Long> offsets) {
        halves.addAll(offsets);
    }

    @Override
    public String toString() {
        return "transaction " + id;
    }
}
