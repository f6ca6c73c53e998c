package io.keelmq.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The machine's CPU time so far, from the first line of Linux's {@code /proc/stat}, in clock ticks. Two readings
 * give what the cores did in between ({@link #shareSince}): on a shared virtual machine, {@code steal} is time the
 * hypervisor gave to someone else while this machine wanted to run, the main reason two equal rounds differ.
 */
public record CpuTimes(long busy, long idle, long iowait, long steal) {
    private static final Path PROC_STAT = Path.of("/proc/stat");

    /** Now; empty where there is no {@code /proc/stat} (not Linux) or it cannot be read. */
    public static Optional<CpuTimes> read() {
        try {
            List<String> lines = Files.readAllLines(PROC_STAT);
            return lines.isEmpty() ? Optional.empty() : parse(lines.get(0));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code cpu user nice system idle iowait irq softirq steal [guest guest_nice]}; guest time is in user already. */
    static Optional<CpuTimes> parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 9 || !f[0].equals("cpu")) {
            return Optional.empty();
        }
        long user = Long.parseLong(f[1]);
        long nice = Long.parseLong(f[2]);
        long system = Long.parseLong(f[3]);
        long idle = Long.parseLong(f[4]);
        long iowait = Long.parseLong(f[5]);
        long irq = Long.parseLong(f[6]);
        long softirq = Long.parseLong(f[7]);
        long steal = Long.parseLong(f[8]);
        return Optional.of(new CpuTimes(user + nice + system + irq + softirq, idle, iowait, steal));
    }

    /** What the cores did since {@code earlier}; null when no time passed. */
    public CpuShare shareSince(CpuTimes earlier) {
        long busyTicks = busy - earlier.busy;
        long idleTicks = idle - earlier.idle;
        long iowaitTicks = iowait - earlier.iowait;
        long stealTicks = steal - earlier.steal;
        long total = busyTicks + idleTicks + iowaitTicks + stealTicks;
        if (total <= 0) {
            return null;
        }
        return new CpuShare(100.0 * busyTicks / total, 100.0 * idleTicks / total, 100.0 * iowaitTicks / total,
                100.0 * stealTicks / total);
    }

    /** Percentages of all cores' time over an interval; they add up to 100. */
    public record CpuShare(double busyPercent, double idlePercent, double iowaitPercent, double stealPercent) {
        @Override
        public String toString() {
            return String.format("cpu busy %.0f%% steal %.0f%%", busyPercent, stealPercent);
        }
    }
}
