package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.load.Amount;
import io.keelmq.bench.load.Load;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code transacted}: producers and consumers in transacted sessions that commit every {@code --batch}
 * messages, on both brokers. A message becomes visible when its producer's batch commits, so the
 * end-to-end latency includes the wait for the commit.
 */
public final class TransactedScenario implements Scenario {
    static final String PHASE = "transacted";

    private final int producers;
    private final int consumers;
    private final int batch;
    private final Amount amount;

    public TransactedScenario(int producers, int consumers, int batch, Amount amount) {
        this.producers = producers;
        this.consumers = consumers;
        this.batch = batch;
        this.amount = amount;
    }

    @Override
    public String name() {
        return "transacted";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("producers", producers);
        settings.put("consumers", consumers);
        settings.put("batch", batch);
        settings.put("amount", amount.toString());
        return settings;
    }

    @Override
    public List<Measurement> run(Broker broker, ScenarioContext context) throws Exception {
        Warmup.run(broker, context, producers, consumers);
        LoadResult result = Load.run(broker.client(), new LoadSpec(context.label(broker, PHASE),
                "bench.transacted")
                .producers(producers, amount.quota())
                .consumers(consumers)
                .transactedBatch(batch)
                .messageSize(context.messageSize())
                .recordEndToEnd()
                .idleTimeout(context.idleTimeout()), context.progress());
        return List.of(Measurement.of(PHASE, broker.kind(), context.round())
                .throughput(result.received(), result.consumerSeconds(), context.messageSize())
                .cpu(result.cpu())
                .counts(result.sent(), result.received())
                .latency(result.endToEnd(), "send to receive (a message is visible once its batch commits)"));
    }

    @Override
    public List<TargetOutcome> targets(Results results) {
        return List.of();
    }
}
