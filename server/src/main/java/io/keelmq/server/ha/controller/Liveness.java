package io.keelmq.server.ha.controller;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controller leader's own record of broker heartbeats (not replicated, as in RocketMQ's controller): when each
 * broker was last heard and where its log stood, by (epoch, offset). Only the leader answers heartbeats
 * ({@link ControllerStateMachine}), so only its record is filled.
 *
 * <p>Silence is counted on this process's monotonic clock ({@link System#nanoTime}), and never for time this peer
 * did not run: a peer that becomes leader starts everyone's clock at its start of leadership (a master's lease,
 * granted by the previous leader, may still be running), and a stall of this process (the scan found it ran far
 * later than due: CPU starvation, a GC pause, during which heartbeats waited unread) is excused: it moves every
 * clock forward by its length. Both only ever delay an election, never hasten one, so a master whose lease is still
 * valid is not replaced.
 */
final class Liveness {
    /** A broker's last heartbeat: its current epoch and log end, and when it arrived (less the stalls since). */
    record Beat(long epoch, long offset, long heardNanos) {
    }

    private final Map<String, Beat> beats = new ConcurrentHashMap<>();
    private volatile long leaderSinceNanos = System.nanoTime();
    /** All stalls excused so far, in nanoseconds: silence counts only time this peer ran. */
    private volatile long excusedNanos;

    private static String key(String group, String id) {
        return group + "\t" + id;
    }

    void heard(String group, String id, long epoch, long offset) {
        beats.put(key(group, id), new Beat(epoch, offset, System.nanoTime() - excusedNanos));
    }

    /** This peer just became leader: nobody's silence counts from before now, and what it heard before is stale. */
    void becameLeader() {
        beats.clear();
        leaderSinceNanos = System.nanoTime() - excusedNanos;
    }

    /** This peer did not run for {@code nanos}: that time is not anybody's silence. */
    void excuse(long nanos) {
        if (nanos > 0) {
            excusedNanos += nanos;
        }
    }

    /** Now, on the clock that excludes the excused stalls. */
    private long now() {
        return System.nanoTime() - excusedNanos;
    }

    /** The last heartbeat of {@code id}, or null when none reached this peer while it led. */
    Beat last(String group, String id) {
        return beats.get(key(group, id));
    }

    /** Whether {@code id} was heard within {@code timeoutMillis} (or this peer has led for less than that). */
    boolean alive(String group, String id, long timeoutMillis) {
        long now = now();
        long timeoutNanos = timeoutMillis * 1_000_000L;
        if (now - leaderSinceNanos < timeoutNanos) {
            return true;
        }
        Beat beat = beats.get(key(group, id));
        return beat != null && now - beat.heardNanos < timeoutNanos;
    }

    /** Milliseconds of silence of {@code id} (excused stalls left out), -1 when never heard. */
    long silenceMillis(String group, String id) {
        Beat beat = beats.get(key(group, id));
        return beat == null ? -1 : (now() - beat.heardNanos) / 1_000_000L;
    }
}
