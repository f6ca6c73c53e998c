package io.keelmq.bench.report;

import org.HdrHistogram.Histogram;

/** The percentiles the report prints, in milliseconds, from a histogram recorded in nanoseconds. */
public record LatencySummary(long count, double p50, double p90, double p99, double p999, double max) {
    private static final double NANOS_PER_MILLI = 1e6;

    public static LatencySummary of(Histogram histogram) {
        return new LatencySummary(histogram.getTotalCount(),
                histogram.getValueAtPercentile(50) / NANOS_PER_MILLI,
                histogram.getValueAtPercentile(90) / NANOS_PER_MILLI,
                histogram.getValueAtPercentile(99) / NANOS_PER_MILLI,
                histogram.getValueAtPercentile(99.9) / NANOS_PER_MILLI,
                histogram.getMaxValue() / NANOS_PER_MILLI);
    }
}
