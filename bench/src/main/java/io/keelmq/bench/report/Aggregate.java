package io.keelmq.bench.report;

import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.scenario.Measurement;
import org.HdrHistogram.Histogram;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One phase on one broker over all rounds: the mean of the rounds' rates (each round is a fresh broker,
 * so each rate counts once), the latency of every message of every round in one histogram, and the
 * largest heap any round saw. {@code offeredRate} is the mean of the rounds' constant rates.
 */
public record Aggregate(String phase, BrokerKind broker, int rounds, String unsupportedReason,
                        double messagesPerSecond, double megabytesPerSecond, double minMessagesPerSecond,
                        double maxMessagesPerSecond, Histogram latency, String latencyMeaning, HeapFigures maxHeap,
                        long sent, long received, double offeredRate) {

    static Aggregate of(String phase, BrokerKind broker, List<Measurement> rounds) {
        Measurement first = rounds.get(0);
        if (!first.supported()) {
            return new Aggregate(phase, broker, rounds.size(), first.unsupportedReason(), 0, 0, 0, 0, null, null,
                    null, -1, -1, 0);
        }
        Histogram latency = null;
        for (Measurement m : rounds) {
            if (m.latency() != null) {
                if (latency == null) {
                    latency = new Histogram(3);
                }
                latency.add(m.latency());
            }
        }
        HeapFigures maxHeap = rounds.stream().map(Measurement::heap).filter(Objects::nonNull)
                .max(Comparator.comparingLong(HeapFigures::usedBytes)).orElse(null);
        return new Aggregate(phase, broker, rounds.size(), null,
                rounds.stream().mapToDouble(Measurement::messagesPerSecond).average().orElse(0),
                rounds.stream().mapToDouble(Measurement::megabytesPerSecond).average().orElse(0),
                rounds.stream().mapToDouble(Measurement::messagesPerSecond).min().orElse(0),
                rounds.stream().mapToDouble(Measurement::messagesPerSecond).max().orElse(0),
                latency, first.latencyMeaning(), maxHeap,
                sumOrMinusOne(rounds.stream().mapToLong(Measurement::sent).toArray()),
                sumOrMinusOne(rounds.stream().mapToLong(Measurement::received).toArray()),
                rounds.stream().mapToDouble(Measurement::offeredRate).average().orElse(0));
    }

    private static long sumOrMinusOne(long[] values) {
        long sum = 0;
        for (long value : values) {
            if (value < 0) {
                return -1;
            }
            sum += value;
        }
        return sum;
    }

    public boolean supported() {
        return unsupportedReason == null;
    }

    public LatencySummary latencySummary() {
        return latency == null ? null : LatencySummary.of(latency);
    }
}
