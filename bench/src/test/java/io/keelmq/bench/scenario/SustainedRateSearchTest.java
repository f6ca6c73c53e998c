package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.load.LoadClient;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The search for the highest sustained rate, on simulated phases of 10 s. */
class SustainedRateSearchTest {
    private static final double SECONDS = 10;

    /** A broker whose consumers keep up to {@code consumeLimit} msgs/s and whose producers send up to sendLimit. */
    private static SustainedRateSearch.PhaseLoad simulated(double consumeLimit, double sendLimit, List<Double> rates) {
        return (broker, context, phase, rate) -> {
            rates.add(rate);
            long sent = Math.round(Math.min(rate, sendLimit) * SECONDS);
            long receivedByEnd = Math.min(sent, Math.round(consumeLimit * SECONDS));
            long start = 0;
            long end = (long) (SECONDS * 1e9);
            return new LoadResult(sent, sent, start, end, end, null, null, false, null, receivedByEnd);
        };
    }

    private static List<Measurement> search(SustainedRateSearch.PhaseLoad load, double maxRate) throws Exception {
        SustainedRateSearch search = new SustainedRateSearch("", load, (broker, context, phase, result, rate,
                meaning) -> Measurement.of(phase, broker.kind(), context.round()).offeredRate(rate));
        return search.run(new StubBroker(BrokerKind.KEEL), context(), maxRate);
    }

    private static ScenarioContext context() {
        return new ScenarioContext(1, 1024, Duration.ZERO, Duration.ofSeconds(1),
                new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void raisesTheRateByTenPercentUntilTheQueueGrowsAndReportsTheLastThatPassed() throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Measurement> found = search(simulated(1_500, Double.MAX_VALUE, rates), 2_000);
        assertEquals(List.of(1_000.0, 1_100.0, 1_210.0, 1_331.0, 1_464.0, 1_610.0, 732.0), rates,
                "from half of e2e-max, 10 % per step, until the depth passes 1 % (at 1,610: 6.8 %); then the "
                        + "latency phase at half of the sustained rate");
        assertEquals(1_464, found.get(0).offeredRate());
        assertEquals("e2e-sustained", found.get(0).phase());
        assertEquals("e2e-half-sustained", found.get(1).phase());
        assertEquals(732, found.get(1).offeredRate(), "half of KeelMQ's sustained rate");
    }

    @Test
    void aRateTheProducersCouldNotSendIsNotSustained() throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Measurement> found = search(simulated(Double.MAX_VALUE, 1_150, rates), 2_000);
        assertEquals(1_100, found.get(0).offeredRate(), "1,210 was offered, but only 1,150 per second were sent");
    }

    @Test
    void aFirstRateThatFailsIsHalved() throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Measurement> found = search(simulated(400, Double.MAX_VALUE, rates), 2_000);
        assertEquals(List.of(1_000.0, 500.0, 250.0, 275.0, 303.0, 333.0, 366.0, 403.0, 443.0, 201.0), rates,
                "403 leaves a depth of 0.74 %, 443 one of 9.7 %");
        assertEquals(403, found.get(0).offeredRate());
    }

    @Test
    void everyBrokerOfTheRoundIsSearchedAndJudgedThroughTheMultiBrokerResults() throws Exception {
        // --vs artemis,rocketmq: KeelMQ first in the round, then Artemis and RocketMQ, each its own search.
        Map<BrokerKind, List<Double>> rates = new EnumMap<>(BrokerKind.class);
        Map<BrokerKind, SustainedRateSearch.PhaseLoad> brokers = Map.of(
                BrokerKind.KEEL, simulated(1_500, Double.MAX_VALUE, rates.computeIfAbsent(BrokerKind.KEEL,
                        k -> new ArrayList<>())),
                BrokerKind.ARTEMIS, simulated(400, Double.MAX_VALUE, rates.computeIfAbsent(BrokerKind.ARTEMIS,
                        k -> new ArrayList<>())),
                BrokerKind.ROCKETMQ, simulated(Double.MAX_VALUE, 1_150, rates.computeIfAbsent(BrokerKind.ROCKETMQ,
                        k -> new ArrayList<>())));
        Map<BrokerKind, Long> p99Nanos = Map.of(BrokerKind.KEEL, 1_000_000L, BrokerKind.ARTEMIS, 3_000_000L,
                BrokerKind.ROCKETMQ, 5_000_000L);
        SustainedRateSearch search = new SustainedRateSearch("-listener",
                (broker, context, phase, rate) -> brokers.get(broker.kind()).load(broker, context, phase, rate),
                (broker, context, phase, result, rate, meaning) -> {
                    Histogram latency = new Histogram(3);
                    latency.recordValue(p99Nanos.get(broker.kind()));
                    return Measurement.of(phase, broker.kind(), context.round()).offeredRate(rate)
                            .latency(latency, meaning);
                });
        Results all = new Results();
        Results withoutArtemis = new Results();
        for (BrokerKind kind : List.of(BrokerKind.KEEL, BrokerKind.ARTEMIS, BrokerKind.ROCKETMQ)) {
            for (Measurement m : search.run(new StubBroker(kind), context(), 2_000)) {
                assertEquals(kind, m.broker());
                all.add(m);
                if (kind != BrokerKind.ARTEMIS) {
                    withoutArtemis.add(m);
                }
            }
        }
        assertEquals(1_464, all.aggregate("e2e-sustained-listener", BrokerKind.KEEL).orElseThrow().offeredRate());
        assertEquals(403, all.aggregate("e2e-sustained-listener", BrokerKind.ARTEMIS).orElseThrow().offeredRate());
        assertEquals(1_100, all.aggregate("e2e-sustained-listener", BrokerKind.ROCKETMQ).orElseThrow().offeredRate());
        for (BrokerKind kind : List.of(BrokerKind.ARTEMIS, BrokerKind.ROCKETMQ)) {
            assertEquals(732, all.aggregate("e2e-half-sustained-listener", kind).orElseThrow().offeredRate(),
                    kind + " runs the latency phase at half of KeelMQ's sustained rate of the round");
        }
        assertEquals(2, all.ratios("e2e-sustained-listener").size(), "KeelMQ against Artemis and RocketMQ");

        List<TargetOutcome> judged = search.targets(all);
        assertEquals(List.of(TargetOutcome.Verdict.MET, TargetOutcome.Verdict.MET),
                judged.stream().map(TargetOutcome::verdict).toList(), judged::toString);
        // The targets are against Artemis: RocketMQ alone does not stand in for it.
        assertEquals(List.of(TargetOutcome.Verdict.NOT_EVALUATED, TargetOutcome.Verdict.NOT_EVALUATED),
                search.targets(withoutArtemis).stream().map(TargetOutcome::verdict).toList());
    }

    private static final class StubBroker implements Broker {
        private final BrokerKind kind;

        StubBroker(BrokerKind kind) {
            this.kind = kind;
        }

        @Override
        public BrokerKind kind() {
            return kind;
        }

        @Override
        public LoadClient client() {
            throw new IllegalStateException("simulated phases need no client");
        }

        @Override
        public HeapFigures heapAfterFullGc() {
            throw new IllegalStateException("simulated phases read no heap");
        }

        @Override
        public Path log() {
            return Path.of("simulated.log");
        }

        @Override
        public void close() {
        }
    }
}
