package io.keelmq.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * User and system CPU time one process has used so far, from Linux's {@code /proc/PID/stat}, in milliseconds. Two
 * readings around a phase, divided by the messages it moved ({@link #perThousand}), say what each JVM spends per
 * message: on a shared machine that moves far less with the load than the rate does, and the system part is the
 * kernel's (system calls, wake-ups).
 */
public record JvmCpu(double userMillis, double systemMillis) {
    /** /proc's clock tick (USER_HZ): 100 on every Linux architecture the JDK runs on. */
    private static final double MILLIS_PER_TICK = 10.0;

    /** The process's CPU time now; empty where there is no such process or no {@code /proc} (not Linux). */
    public static Optional<JvmCpu> of(long pid) {
        try {
            return parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** This JVM's CPU time now (the bench's producers and consumers: the client side). */
    public static Optional<JvmCpu> self() {
        return of(ProcessHandle.current().pid());
    }

    /** {@code pid (comm) state ppid ...}: utime and stime are the 14th and 15th fields; comm may hold spaces. */
    static Optional<JvmCpu> parse(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        if (f.length < 13) {
            return Optional.empty();
        }
        return Optional.of(new JvmCpu(Long.parseLong(f[11]) * MILLIS_PER_TICK,
                Long.parseLong(f[12]) * MILLIS_PER_TICK));
    }

    /** What was used since {@code earlier}. */
    public JvmCpu since(JvmCpu earlier) {
        return new JvmCpu(userMillis - earlier.userMillis, systemMillis - earlier.systemMillis);
    }

    /** This time per 1000 of {@code messages}; zero when there were none. */
    public JvmCpu perThousand(long messages) {
        return messages <= 0 ? new JvmCpu(0, 0)
                : new JvmCpu(userMillis * 1000 / messages, systemMillis * 1000 / messages);
    }

    public double totalMillis() {
        return userMillis + systemMillis;
    }

    /** {@code 39.4 (user 22.3 sys 17.1)}. */
    @Override
    public String toString() {
        return String.format("%.1f (user %.1f sys %.1f)", totalMillis(), userMillis, systemMillis);
    }
}
