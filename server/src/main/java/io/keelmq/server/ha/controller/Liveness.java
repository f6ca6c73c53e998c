package io.keelmq.server.ha.controller;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller leader's own record of broker heartbeats (not replicated, as in RocketMQ's controller): when each
 * broker was last heard and where its log stood, by (epoch, offset). A peer that becomes leader starts everyone's
 * clock at its own start of leadership, so it counts no broker dead before a full timeout has passed under it.
 */
final class Liveness {
    /** A broker's last heartbeat: its current epoch and log end, and when it arrived. */
    record Beat(long epoch, long offset, long heardNanos) {
    }

    private final Map<String, Beat> beats = new ConcurrentHashMap<>();
    private volatile long leaderSinceNanos = System.nanoTime();

    private static String key(String group, String id) {
        return group + "\t" + id;
    }

    void heard(String group, String id, long epoch, long offset) {
        beats.put(key(group, id), new Beat(epoch, offset, System.nanoTime()));
    }

    /** This peer just became leader: nobody's silence counts from before now. */
    void becameLeader() {
        leaderSinceNanos = System.nanoTime();
    }

    /** The last heartbeat of {@code id}, or null when none reached this peer. */
    Beat last(String group, String id) {
        return beats.get(key(group, id));
    }

    /** Whether {@code id} was heard within {@code timeoutMillis} (or this peer has led for less than that). */
    boolean alive(String group, String id, long timeoutMillis) {
        long now = System.nanoTime();
        long timeoutNanos = timeoutMillis * 1_000_000L;
        if (now - leaderSinceNanos < timeoutNanos) {
            return true;
        }
        Beat beat = beats.get(key(group, id));
        return beat != null && now - beat.heardNanos < timeoutNanos;
    }

    /** Milliseconds since {@code id} was last heard here, -1 when never. */
    long silenceMillis(String group, String id) {
        Beat beat = beats.get(key(group, id));
        return beat == null ? -1 : (System.nanoTime() - beat.heardNanos) / 1_000_000L;
    }
}
