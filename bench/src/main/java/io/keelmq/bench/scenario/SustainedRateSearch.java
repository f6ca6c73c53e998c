package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.report.Aggregate;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * {@code e2e --rate sustained}: a broker's highest <em>sustained</em> rate. A constant rate runs for a phase
 * ({@code --duration}/{@code --count}); it passes if, when the producers finish, the messages not yet received (the
 * queue's depth) are at most {@value #DEPTH_LIMIT_PERCENT} % of those sent, and the producers kept to the rate
 * (sent at least 99 % of it: producers that fall behind the schedule offer less). Starting at half the round's
 * {@code e2e-max} rate (halved again while it fails), the rate is raised by {@value #STEP_PERCENT} % per phase until
 * a phase fails; the last rate that passed is the result ({@code e2e-sustained}). A consumer path that cannot keep
 * up shows as a growing queue here, where {@code e2e-max} only shows how fast producers can fill it.
 *
 * <p>Then, at half of KeelMQ's sustained rate of the round, every broker runs one more phase for latency
 * ({@code e2e-half-sustained}), from each message's intended send time.
 */
final class SustainedRateSearch {
    static final String SUSTAINED_PHASE = "e2e-sustained";
    static final String STEP_PHASE = "e2e-step";
    static final String HALF_PHASE = "e2e-half-sustained";
    static final double DEPTH_LIMIT_PERCENT = 1.0;
    static final int STEP_PERCENT = 10;
    /** How often a failing first rate is halved before the search gives up. */
    private static final int MAX_HALVINGS = 6;

    interface PhaseLoad {
        LoadResult load(Broker broker, ScenarioContext context, String phase, double rate) throws Exception;
    }

    interface PhaseMeasurement {
        Measurement of(Broker broker, ScenarioContext context, String phase, LoadResult result, double rate,
                       String latencyMeaning);
    }

    private final String suffix;
    private final PhaseLoad load;
    private final PhaseMeasurement measurement;
    /** KeelMQ's sustained rate per round; half of it is the latency phase's rate for every broker of the round. */
    private final Map<Integer, Long> keelRates = new ConcurrentHashMap<>();

    SustainedRateSearch(String phaseSuffix, PhaseLoad load, PhaseMeasurement measurement) {
        this.suffix = phaseSuffix;
        this.load = load;
        this.measurement = measurement;
    }

    /** @param maxRate the round's e2e-max rate of this broker, where the search starts (at half of it) */
    List<Measurement> run(Broker broker, ScenarioContext context, double maxRate) throws Exception {
        long rate = Math.max(1, Math.round(maxRate / 2));
        long passedRate = 0;
        LoadResult passed = null;
        int halvings = 0;
        while (true) {
            LoadResult step = load.load(broker, context, STEP_PHASE + suffix, rate);
            long depth = step.depthWhenProducersEnded();
            double sentRate = step.sent() / step.producerSeconds();
            // Producers that fell behind the schedule offered less than the rate: nothing was sustained at it.
            boolean offered = sentRate >= rate * (100 - DEPTH_LIMIT_PERCENT) / 100;
            boolean ok = offered && !step.idleTimedOut() && depth * 100.0 <= DEPTH_LIMIT_PERCENT * step.sent();
            context.progress().printf("  [%s] sustained search: %,d msgs/s offered, %,.0f sent per s for %.1f s, "
                            + "depth %,d of %,d sent (%.2f %%): %s%s%n", context.label(broker, STEP_PHASE + suffix),
                    rate, sentRate, step.producerSeconds(), depth, step.sent(),
                    step.sent() == 0 ? 0.0 : 100.0 * depth / step.sent(),
                    ok ? "passed" : offered ? "failed" : "failed (the producers could not send at the rate)",
                    step.cpu() == null ? "" : ", " + step.cpu());
            if (ok) {
                passed = step;
                passedRate = rate;
                rate = Math.max(rate + 1, Math.round(rate * (100 + STEP_PERCENT) / 100.0));
            } else if (passed == null && halvings++ < MAX_HALVINGS && rate > 1) {
                rate = Math.max(1, rate / 2);
            } else {
                break;
            }
        }
        List<Measurement> measurements = new ArrayList<>();
        if (passed == null) {
            throw new IllegalStateException(context.label(broker, SUSTAINED_PHASE + suffix)
                    + ": no constant rate was sustained, down to " + rate + " msgs/s");
        }
        measurements.add(measurement.of(broker, context, SUSTAINED_PHASE + suffix, passed, passedRate,
                "send to receive at the highest sustained rate, from the intended send time"));
        if (broker.kind() == BrokerKind.KEEL) {
            keelRates.put(context.round(), passedRate);
        }
        Long keelRate = keelRates.get(context.round());
        if (keelRate != null) {
            long half = Math.max(1, keelRate / 2);
            context.progress().printf("  e2e round %d: the latency phase runs at %,d msgs/s (half of KeelMQ's "
                    + "sustained %,d)%n", context.round(), half, keelRate);
            LoadResult halfResult = load.load(broker, context, HALF_PHASE + suffix, half);
            measurements.add(measurement.of(broker, context, HALF_PHASE + suffix, halfResult, half,
                    "send to receive, from the intended send time (coordinated omission corrected)"));
        }
        return measurements;
    }

    List<TargetOutcome> targets(Results results) {
        String rateClaim = "e2e highest sustained rate: KeelMQ >= 3x Artemis";
        String latencyClaim = "e2e at half KeelMQ's sustained rate: KeelMQ p99 <= 0.5x Artemis p99";
        return List.of(
                judge(results, rateClaim, SUSTAINED_PHASE, (keel, artemis) -> {
                    double ratio = keel.offeredRate() / artemis.offeredRate();
                    return TargetOutcome.judged(rateClaim, String.format("%,.0f vs %,.0f msgs/s (mean of the rounds' "
                            + "last passing rates): %.2fx", keel.offeredRate(), artemis.offeredRate(), ratio),
                            ratio >= 3);
                }),
                judge(results, latencyClaim, HALF_PHASE, (keel, artemis) -> {
                    double keelP99 = keel.latencySummary().p99();
                    double artemisP99 = artemis.latencySummary().p99();
                    return TargetOutcome.judged(latencyClaim, String.format("at %s msgs/s (per round): p99 %.3f ms "
                            + "vs %.3f ms", new TreeMap<>(keelRates).values(), keelP99, artemisP99),
                            keelP99 <= 0.5 * artemisP99);
                }));
    }

    /** Judges a phase that both brokers ran; not evaluated otherwise. */
    private TargetOutcome judge(Results results, String claim, String phase,
                                BiFunction<Aggregate, Aggregate, TargetOutcome> verdict) {
        Optional<Aggregate> keel = results.aggregate(phase + suffix, BrokerKind.KEEL);
        Optional<Aggregate> artemis = results.aggregate(phase + suffix, BrokerKind.ARTEMIS);
        if (keel.isEmpty() || artemis.isEmpty()) {
            return TargetOutcome.notEvaluated(claim, "needs --vs artemis");
        }
        return verdict.apply(keel.get(), artemis.get());
    }
}
