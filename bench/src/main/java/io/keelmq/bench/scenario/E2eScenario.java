package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.load.Amount;
import io.keelmq.bench.load.ConsumeMode;
import io.keelmq.bench.load.CpuPerMessage;
import io.keelmq.bench.load.Load;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.report.Aggregate;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code e2e}: producers and consumers together; latency from send to receive, read from a timestamp in
 * each message. Two phases:
 * <ul>
 *   <li>{@code e2e-max}: producers as fast as they can; the rate is messages received per second, the
 *       latency is from the actual send (it includes any queue that builds up);</li>
 *   <li>{@code e2e-rate-N} ({@code --rate N}) or {@code e2e-half-max} ({@code --rate auto}): a constant
 *       rate; latency from each message's intended send time (coordinated-omission correction, see
 *       {@code Schedule}).</li>
 * </ul>
 * With {@code --rate auto} (the default) the constant rate of a round is half of KeelMQ's highest rate in
 * that round (KeelMQ runs first in a round), and Artemis runs at that same rate right after it: both
 * brokers are compared at the same offered load, taken on a machine in the same state. Taking it from
 * round 1 alone would let a cold first round set the rate for all.
 */
public final class E2eScenario implements Scenario {
    static final String MAX_PHASE = "e2e-max";
    private static final String FIXED_PHASE = "e2e-rate-";
    static final String HALF_MAX_PHASE = "e2e-half-max";

    /**
     * {@code auto}: both phases, fixed at half KeelMQ's max; {@code max}: only the first; {@code fixed}: only the
     * second; {@code sustained}: the max phase, then the highest sustained rate ({@link SustainedRateSearch}) and a
     * phase at half of KeelMQ's sustained rate.
     */
    public enum RateMode { AUTO, MAX, FIXED, SUSTAINED }

    private final int producers;
    private final int consumers;
    private final Amount amount;
    private final RateMode mode;
    private final long fixedRate;
    private final ConsumeMode consumeMode;
    private final String maxPhase;
    private final String halfMaxPhase;
    private final SustainedRateSearch sustained;
    /** For --rate auto: each round's rate, half of KeelMQ's highest in that round. */
    private final Map<Integer, Long> roundRates = new ConcurrentHashMap<>();

    /** @param fixedRate msgs/s for {@link RateMode#FIXED}, ignored otherwise */
    public E2eScenario(int producers, int consumers, Amount amount, RateMode mode, long fixedRate,
                       ConsumeMode consumeMode) {
        this.producers = producers;
        this.consumers = consumers;
        this.amount = amount;
        this.mode = mode;
        this.fixedRate = mode == RateMode.FIXED ? fixedRate : 0;
        this.consumeMode = consumeMode;
        this.maxPhase = MAX_PHASE + consumeMode.phaseSuffix();
        this.halfMaxPhase = HALF_MAX_PHASE + consumeMode.phaseSuffix();
        this.sustained = mode == RateMode.SUSTAINED
                ? new SustainedRateSearch(consumeMode.phaseSuffix(), this::load, E2eScenario::measurement) : null;
    }

    @Override
    public String name() {
        return "e2e";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("producers", producers);
        settings.put("consumers", consumers);
        settings.put("amount per phase", amount.toString());
        settings.put("rate", mode == RateMode.FIXED ? String.valueOf(fixedRate) : mode.name().toLowerCase());
        settings.put("ack mode", consumeMode.spelling());
        return settings;
    }

    @Override
    public List<Measurement> run(Broker broker, ScenarioContext context) throws Exception {
        Warmup.run(broker, context, producers, consumers);
        List<Measurement> measurements = new ArrayList<>();
        if (mode != RateMode.FIXED) {
            CpuPerMessage.Probe cpu = CpuPerMessage.start(broker.pid());
            LoadResult max = load(broker, context, maxPhase, 0);
            double rate = max.received() / max.consumerSeconds();
            measurements.add(measurement(broker, context, maxPhase, max, 0,
                    "send to receive, from the actual send").cpuPerMessage(cpu.per(max.received())));
            if (mode == RateMode.SUSTAINED) {
                measurements.addAll(sustained.run(broker, context, rate));
                return measurements;
            }
            if (mode == RateMode.AUTO && broker.kind() == BrokerKind.KEEL) {
                long half = Math.max(1, Math.round(rate / 2));
                roundRates.put(context.round(), half);
                context.progress().printf("  e2e round %d: the constant-rate phase runs at %,d msgs/s (half of "
                        + "KeelMQ's %,.0f) for every broker%n", context.round(), half, rate);
            }
        }
        if (mode != RateMode.MAX) {
            long rate = mode == RateMode.FIXED ? fixedRate : roundRates.getOrDefault(context.round(), 0L);
            if (rate == 0) {
                throw new IllegalStateException("e2e --rate auto needs KeelMQ's highest rate of the round first");
            }
            String phase = mode == RateMode.FIXED ? FIXED_PHASE + rate + consumeMode.phaseSuffix() : halfMaxPhase;
            CpuPerMessage.Probe cpu = CpuPerMessage.start(broker.pid());
            LoadResult fixed = load(broker, context, phase, rate);
            measurements.add(measurement(broker, context, phase, fixed, rate,
                    "send to receive, from the intended send time (coordinated omission corrected)")
                    .cpuPerMessage(cpu.per(fixed.received())));
        }
        return measurements;
    }

    LoadResult load(Broker broker, ScenarioContext context, String phase, double rate) throws Exception {
        return Load.run(broker.client(), new LoadSpec(context.label(broker, phase), "bench." + phase)
                .producers(producers, amount.quota())
                .consumers(consumers)
                .consumeMode(consumeMode)
                .rate(rate)
                .messageSize(context.messageSize())
                .recordEndToEnd()
                .idleTimeout(context.idleTimeout()), context.progress());
    }

    static Measurement measurement(Broker broker, ScenarioContext context, String phase, LoadResult result,
                                           double rate, String latencyMeaning) {
        return Measurement.of(phase, broker.kind(), context.round())
                .throughput(result.received(), result.consumerSeconds(), context.messageSize())
                .cpu(result.cpu())
                .counts(result.sent(), result.received())
                .latency(result.endToEnd(), latencyMeaning)
                .offeredRate(rate);
    }

    /**
     * Plain sends and receives: RocketMQ too, through its own client, but only with its own consume (pull, offsets
     * committed by the client), which has none of the JMS acknowledgement modes: only {@code --ack-mode auto}.
     */
    @Override
    public Optional<String> refusal(BrokerKind broker) {
        if (broker.jms() || consumeMode == ConsumeMode.AUTO) {
            return Optional.empty();
        }
        return Optional.of("e2e --ack-mode " + consumeMode.spelling() + " does not run on " + broker.label() + ": "
                + "--ack-mode picks a Jakarta Messaging acknowledgement mode, and " + broker.label() + " is driven "
                + "through its own client, whose consumers pull and commit offsets themselves (with --vs "
                + broker.label().toLowerCase(Locale.ROOT) + " use --ack-mode auto, the default)");
    }

    @Override
    public List<TargetOutcome> targets(Results results) {
        if (mode == RateMode.SUSTAINED) {
            return sustained.targets(results);
        }
        String claim = "e2e at half of KeelMQ's highest rate: KeelMQ p99 <= Artemis p99";
        if (mode != RateMode.AUTO) {
            return List.of(TargetOutcome.notEvaluated(claim, "needs --rate auto (this run: --rate "
                    + settings().get("rate") + ")"));
        }
        Optional<Aggregate> keel = results.aggregate(halfMaxPhase, BrokerKind.KEEL);
        Optional<Aggregate> artemis = results.aggregate(halfMaxPhase, BrokerKind.ARTEMIS);
        if (keel.isEmpty() || artemis.isEmpty()) {
            return List.of(TargetOutcome.notEvaluated(claim, "needs --vs artemis"));
        }
        double keelP99 = keel.get().latencySummary().p99();
        double artemisP99 = artemis.get().latencySummary().p99();
        return List.of(TargetOutcome.judged(claim, String.format("at %s msgs/s (per round): p99 %.3f ms vs %.3f ms",
                new TreeMap<>(roundRates).values(), keelP99, artemisP99), keelP99 <= artemisP99));
    }
}
