package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.load.ConsumeMode;
import io.keelmq.bench.load.CpuPerMessage;
import io.keelmq.bench.load.Load;
import io.keelmq.bench.load.LoadResult;
import io.keelmq.bench.load.LoadSpec;
import io.keelmq.bench.load.Quota;
import io.keelmq.bench.report.Aggregate;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code backlog}: produce {@code --count} messages with nobody consuming, then consume them all. It shows
 * what a broker does with a queue far larger than its heap: the broker's heap is read (over JMX, after a
 * full GC: the live set) after producing and after consuming. Rates are per half: produce, then consume.
 */
public final class BacklogScenario implements Scenario {
    static final String PRODUCE_PHASE = "backlog-produce";
    static final String CONSUME_PHASE = "backlog-consume";
    private static final long TARGET_COUNT = 1_000_000;
    private static final long TARGET_HEAP_BYTES = 256L * 1024 * 1024;

    private final int producers;
    private final int consumers;
    private final long count;
    private final ConsumeMode consumeMode;
    private final String consumePhase;

    public BacklogScenario(int producers, int consumers, long count, ConsumeMode consumeMode) {
        this.producers = producers;
        this.consumers = consumers;
        this.count = count;
        this.consumeMode = consumeMode;
        this.consumePhase = CONSUME_PHASE + consumeMode.phaseSuffix();
    }

    @Override
    public String name() {
        return "backlog";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("producers", producers);
        settings.put("consumers", consumers);
        settings.put("count", count);
        settings.put("ack mode", consumeMode.spelling());
        return settings;
    }

    @Override
    public List<Measurement> run(Broker broker, ScenarioContext context) throws Exception {
        Warmup.run(broker, context, producers, consumers);
        String queue = "bench.backlog";
        CpuPerMessage.Probe producing = CpuPerMessage.start(broker.pid());
        LoadResult produced = Load.run(broker.client(),
                new LoadSpec(context.label(broker, PRODUCE_PHASE), queue)
                        .producers(producers, Quota.count(count))
                        .messageSize(context.messageSize())
                        .recordSendLatency(), context.progress());
        CpuPerMessage produceCpu = producing.per(produced.sent());
        HeapFigures afterProducing = broker.heapAfterFullGc();
        CpuPerMessage.Probe consuming = CpuPerMessage.start(broker.pid());
        LoadResult consumed = Load.run(broker.client(),
                new LoadSpec(context.label(broker, consumePhase), queue)
                        .consumers(consumers)
                        .consumeMode(consumeMode)
                        .expectReceives(produced.sent())
                        .idleTimeout(context.idleTimeout()), context.progress());
        CpuPerMessage consumeCpu = consuming.per(consumed.received());
        HeapFigures afterConsuming = broker.heapAfterFullGc();
        return List.of(
                Measurement.of(PRODUCE_PHASE, broker.kind(), context.round())
                        .throughput(produced.sent(), produced.producerSeconds(), context.messageSize())
                        .cpu(produced.cpu())
                        .cpuPerMessage(produceCpu)
                        .counts(produced.sent(), -1)
                        .latency(produced.sendLatency(), "send() call until the broker's answer")
                        .heap(afterProducing),
                Measurement.of(consumePhase, broker.kind(), context.round())
                        .throughput(consumed.received(), consumed.consumerSeconds(), context.messageSize())
                        .cpu(consumed.cpu())
                        .cpuPerMessage(consumeCpu)
                        .counts(produced.sent(), consumed.received())
                        .heap(afterConsuming));
    }

    @Override
    public List<TargetOutcome> targets(Results results) {
        String claim = String.format("backlog of %,d messages: KeelMQ heap < %d MiB after producing and after "
                + "consuming", TARGET_COUNT, TARGET_HEAP_BYTES >> 20);
        Optional<Aggregate> produce = results.aggregate(PRODUCE_PHASE, BrokerKind.KEEL);
        Optional<Aggregate> consume = results.aggregate(consumePhase, BrokerKind.KEEL);
        if (produce.isEmpty() || consume.isEmpty()) {
            return List.of(TargetOutcome.notEvaluated(claim, "KeelMQ did not run"));
        }
        long largest = Math.max(produce.get().maxHeap().usedBytes(), consume.get().maxHeap().usedBytes());
        String measured = String.format("largest heap %.1f MiB", largest / (1024.0 * 1024.0));
        if (count != TARGET_COUNT) {
            measured += String.format(" (measured with --count %,d, not %,d)", count, TARGET_COUNT);
        }
        return List.of(TargetOutcome.judged(claim, measured, largest < TARGET_HEAP_BYTES));
    }
}
