package io.keelmq.bench.report;

import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.scenario.Measurement;

import java.io.PrintStream;
import java.util.List;

/**
 * The figures on standard output: one line per measurement as it is taken, then a table per phase and
 * broker over all rounds with KeelMQ's ratios to the other brokers, then the targets with "met" or "NOT met".
 */
public final class ConsoleReport {
    private static final String TABLE_FORMAT = "%-18s %-15s %6s %12s %8s %9s %9s %9s %9s %9s %9s %12s%n";

    private final PrintStream out;

    public ConsoleReport(PrintStream out) {
        this.out = out;
    }

    public void measurement(Measurement m) {
        String who = String.format("%-7s r%d %-18s", m.broker().label(), m.round(), m.phase());
        if (!m.supported()) {
            out.printf("%s not supported by this %s build: %s%n", who, m.broker().label(), m.unsupportedReason());
            return;
        }
        StringBuilder line = new StringBuilder(String.format("%s %,11d msgs %7.2f s %,10.0f msgs/s %7.1f MB/s", who,
                m.messages(), m.seconds(), m.messagesPerSecond(), m.megabytesPerSecond()));
        if (m.offeredRate() > 0) {
            line.append(String.format(" (offered %,.0f/s)", m.offeredRate()));
        }
        if (m.latency() != null && m.latency().getTotalCount() > 0) {
            LatencySummary l = LatencySummary.of(m.latency());
            line.append(String.format("  ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f", l.p50(), l.p90(), l.p99(),
                    l.p999(), l.max()));
        }
        if (m.sent() >= 0) {
            line.append(String.format("  sent %,d", m.sent()));
        }
        if (m.received() >= 0) {
            line.append(String.format(" received %,d", m.received()));
            if (m.received() != m.sent()) {
                line.append(" (MISMATCH)");
            }
        }
        if (m.heap() != null) {
            line.append(String.format("  heap %.1f MiB", m.heap().usedMiB()));
        }
        if (m.cpu() != null) {
            line.append("  ").append(m.cpu());
        }
        if (m.cpuPerMessage() != null) {
            line.append("  ").append(m.cpuPerMessage());
        }
        out.println(line);
    }

    public void summary(Results results, List<TargetOutcome> targets) {
        out.println();
        out.println("Summary: mean rate over rounds; latency over every message of every round (ms); "
                + "heap = largest used after full GC");
        out.printf(TABLE_FORMAT, "phase", "broker", "rounds", "msgs/s", "MB/s", "p50", "p90", "p99", "p99.9", "max",
                "heap MiB", "received");
        for (String phase : results.phases()) {
            for (BrokerKind broker : results.brokers()) {
                results.aggregate(phase, broker).ifPresent(this::row);
            }
            results.ratios(phase).forEach(this::ratioRow);
        }
        List<String> meanings = results.all().stream().filter(m -> m.latencyMeaning() != null)
                .map(m -> "  " + m.phase() + ": latency = " + m.latencyMeaning()).distinct().toList();
        if (!meanings.isEmpty()) {
            out.println();
            meanings.forEach(out::println);
        }
        if (!targets.isEmpty()) {
            out.println();
            out.println("Targets:");
            for (TargetOutcome target : targets) {
                out.printf("  %-13s %s: %s%n", target.verdict().words(), target.claim(), target.measured());
            }
        }
    }

    private void row(Aggregate a) {
        if (!a.supported()) {
            out.printf("%-18s %-15s not supported by this %s build: %s%n", a.phase(), a.broker().label(),
                    a.broker().label(), a.unsupportedReason());
            return;
        }
        LatencySummary l = a.latencySummary();
        out.printf(TABLE_FORMAT, a.phase(), a.broker().label(), a.rounds(), String.format("%,.0f", a.messagesPerSecond()),
                String.format("%.1f", a.megabytesPerSecond()),
                l == null ? "-" : ms(l.p50()), l == null ? "-" : ms(l.p90()), l == null ? "-" : ms(l.p99()),
                l == null ? "-" : ms(l.p999()), l == null ? "-" : ms(l.max()),
                a.maxHeap() == null ? "-" : String.format("%.1f", a.maxHeap().usedMiB()),
                a.received() < 0 ? "-" : String.format("%,d", a.received()));
    }

    private void ratioRow(Ratio r) {
        out.printf(TABLE_FORMAT, r.phase(), "KeelMQ/" + r.versus().label(), "", times(r.messagesPerSecond()), "",
                times(r.p50()), "", times(r.p99()), times(r.p999()), "", "", "");
    }

    private static String ms(double value) {
        return String.format("%.3f", value);
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) ? "" : String.format("%.2fx", ratio);
    }
}
