package io.keelmq.bench.report;

import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.scenario.Measurement;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HdrHistogram's percentile distribution text ({@code .hgrm}, values in milliseconds), which
 * HdrHistogram's plotters read: one file per phase, broker and round, and one per phase and broker over
 * all rounds ({@code <phase>-<broker>.hgrm}).
 */
public final class HgrmFiles {
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double NANOS_PER_MILLI = 1e6;

    private HgrmFiles() {
    }

    /** @return the files written */
    public static List<Path> write(Path directory, Results results) throws IOException {
        List<Path> written = new ArrayList<>();
        for (Measurement m : results.all()) {
            if (m.latency() != null && m.latency().getTotalCount() > 0) {
                written.add(write(directory.resolve(fileName(m.phase(), m.broker()) + "-r" + m.round() + ".hgrm"),
                        m.latency()));
            }
        }
        for (String phase : results.phases()) {
            for (BrokerKind broker : results.brokers()) {
                Aggregate aggregate = results.aggregate(phase, broker).orElse(null);
                if (aggregate != null && aggregate.latency() != null && aggregate.latency().getTotalCount() > 0) {
                    written.add(write(directory.resolve(fileName(phase, broker) + ".hgrm"), aggregate.latency()));
                }
            }
        }
        return written;
    }

    static String fileName(String phase, BrokerKind broker) {
        return phase + "-" + broker.label().toLowerCase();
    }

    private static Path write(Path file, Histogram histogram) throws IOException {
        Files.createDirectories(file.getParent());
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.UTF_8)) {
            histogram.outputPercentileDistribution(out, TICKS_PER_HALF_DISTANCE, NANOS_PER_MILLI);
        }
        return file;
    }
}
