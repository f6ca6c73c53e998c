package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.load.Amount;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code half}: producers send each message in its own transaction that commits at once. On KeelMQ that is a
 * transactional producer (RocketMQ's transactional message: the half message stored durably, an empty local
 * transaction, the COMMIT); on Artemis, which has no such producer, its nearest equivalent: a transacted session that
 * commits every message. Latency is one whole transactional send (send() to the commit's answer). Afterwards (not
 * timed) consumers drain the queue and count.
 */
public final class HalfScenario implements Scenario {
    static final String PHASE = "half";
    private static final String GROUP = "bench-half";

    private final int producers;
    private final Amount amount;

    public HalfScenario(int producers, Amount amount) {
        this.producers = producers;
        this.amount = amount;
    }

    @Override
    public String name() {
        return "half";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("producers", producers);
        settings.put("amount", amount.toString());
        settings.put("keelmq", "transactional producer, COMMIT at once");
        settings.put("artemis", "transacted session, commit every message");
        return settings;
    }

    @Override
    public List<Measurement> run(Broker broker, ScenarioContext context) throws Exception {
        Warmup.run(broker, context, producers, Math.min(producers, 4));
        String queue = "bench.half";
        LoadSpec spec = new LoadSpec(context.label(broker, PHASE), queue)
                .producers(producers, amount.quota())
                .messageSize(context.messageSize())
                .recordSendLatency();
        if (broker.kind() == BrokerKind.KEEL) {
            spec.transactionalProducers(GROUP);
        } else {
            spec.transactedBatch(1);
        }
        return List.of(SendScenario.sendThenDrain(broker, context, spec, PHASE, true,
                "one transactional send: send() until its commit is answered"));
    }

    @Override
    public List<TargetOutcome> targets(Results results) {
        return List.of();
    }
}
