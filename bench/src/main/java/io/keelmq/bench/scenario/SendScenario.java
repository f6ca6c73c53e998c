package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.FlushMode;
import io.keelmq.bench.load.Amount;
import io.keelmq.bench.load.Load;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code send}: producers send PERSISTENT messages as fast as the broker answers, nobody consumes.
 * Throughput is what was acknowledged per second; latency is each send() call, so under SYNC_FLUSH it
 * includes the broker's force to disk. Afterwards (not timed) consumers drain the queue and count, so a
 * broker that acknowledged a message it did not keep cannot look fast.
 */
public final class SendScenario implements Scenario {
    static final String PHASE = "send";
    private static final double TARGET_RATIO = 1.5;
    private static final int TARGET_PRODUCERS = 16;

    private final int producers;
    private final Amount amount;
    private final boolean verify;
    private final FlushMode flush;

    public SendScenario(int producers, Amount amount, boolean verify, FlushMode flush) {
        this.producers = producers;
        this.amount = amount;
        this.verify = verify;
        this.flush = flush;
    }

    @Override
    public String name() {
        return "send";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("producers", producers);
        settings.put("amount", amount.toString());
        settings.put("verify", verify);
        return settings;
    }

    @Override
    public List<Measurement> run(Broker broker, ScenarioContext context) throws Exception {
        Warmup.run(broker, context, producers, Math.min(producers, 4));
        String queue = "bench.send";
        LoadSpec spec = new LoadSpec(context.label(broker, PHASE), queue)
                .producers(producers, amount.quota())
                .messageSize(context.messageSize())
                .recordSendLatency();
        return List.of(sendThenDrain(broker, context, spec, PHASE, verify, "send() call until the broker's answer"));
    }

    /**
     * Runs {@code sending} (producers only, recording send latency), then, when {@code verify}, drains its queue
     * untimed and counts: the measurement of a scenario whose figure is the producers' rate.
     */
    static Measurement sendThenDrain(Broker broker, ScenarioContext context, LoadSpec sending, String phase,
                                     boolean verify, String latencyMeaning) throws Exception {
        LoadResult sent = Load.run(broker.client(), sending, context.progress());
        long received = -1;
        if (verify) {
            received = Load.run(broker.client(), new LoadSpec(context.label(broker, "drain"),
                    sending.queue())
                    .consumers(Math.min(sending.producers(), 4))
                    .expectReceives(sent.sent())
                    .idleTimeout(context.idleTimeout()), context.progress()).received();
        }
        return Measurement.of(phase, broker.kind(), context.round())
                .throughput(sent.sent(), sent.producerSeconds(), context.messageSize())
                .cpu(sent.cpu())
                .counts(sent.sent(), received)
                .latency(sent.sendLatency(), latencyMeaning);
    }

    /** Plain sends and receives: RocketMQ too, through its own client. */
    @Override
    public Optional<String> refusal(BrokerKind broker) {
        return Optional.empty();
    }

    @Override
    public List<TargetOutcome> targets(Results results) {
        String claim = String.format("send, %d producers, SYNC_FLUSH: KeelMQ msgs/s >= %.1fx Artemis",
                TARGET_PRODUCERS, TARGET_RATIO);
        if (producers != TARGET_PRODUCERS || flush != FlushMode.SYNC) {
            return List.of(TargetOutcome.notEvaluated(claim, "this run used " + producers + " producers and "
                    + flush.keelFlushDiskType()));
        }
        Optional<Double> ratio = results.ratio(PHASE, BrokerKind.ARTEMIS).map(r -> r.messagesPerSecond());
        if (ratio.isEmpty()) {
            return List.of(TargetOutcome.notEvaluated(claim, "needs --vs artemis"));
        }
        double keel = results.aggregate(PHASE, BrokerKind.KEEL).orElseThrow().messagesPerSecond();
        double artemis = results.aggregate(PHASE, BrokerKind.ARTEMIS).orElseThrow().messagesPerSecond();
        return List.of(TargetOutcome.judged(claim, String.format("%,.0f vs %,.0f msgs/s = %.2fx", keel, artemis,
                ratio.get()), ratio.get() >= TARGET_RATIO));
    }
}
