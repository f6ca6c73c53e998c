package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;
import io.keelmq.bench.broker.JmsBroker;
import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.report.Aggregate;
import io.keelmq.bench.report.Results;
import io.keelmq.bench.report.TargetOutcome;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.HdrHistogram.Histogram;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code delay}: {@code --count} PERSISTENT messages sent with JMS {@code deliveryDelay} {@code --delay},
 * consumers attached from the start. Measured: the enqueue rate and send() latency; the broker's heap
 * (over JMX, after a full GC) before sending, once everything is sent (all of it pending if the delay is
 * longer than the enqueue takes) and after delivery; and lateness at delivery, the time a consumer
 * received each message minus its JMSDeliveryTime (both stamped by this JVM's clock). A message received
 * before its JMSDeliveryTime is counted as early and recorded as 0.
 */
public final class DelayScenario implements Scenario {
    static final String BASELINE_PHASE = "delay-baseline";
    static final String ENQUEUE_PHASE = "delay-enqueue";
    static final String DELIVER_PHASE = "delay-deliver";
    private static final long TARGET_LATENESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TARGET_HEAP_BYTES_PER_PENDING = 64;
    private static final long MIN_COUNT_FOR_HEAP_TARGET = 100_000;
    private static final long POLL_MILLIS = 100;

    private final int producers;
    private final int consumers;
    private final long count;
    private final Duration delay;

    public DelayScenario(int producers, int consumers, long count, Duration delay) {
        this.producers = producers;
        this.consumers = consumers;
        this.count = count;
        this.delay = delay;
    }

    @Override
    public String name() {
        return "delay";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("producers", producers);
        settings.put("consumers", consumers);
        settings.put("count", count);
        settings.put("delayMillis", delay.toMillis());
        return settings;
    }

    @Override
    public List<Measurement> run(Broker broker, ScenarioContext context) throws Exception {
        Warmup.run(broker, context, producers, consumers);
        String queue = "bench.delay";
        HeapFigures baseline = broker.heapAfterFullGc();
        ExecutorService threads = Executors.newFixedThreadPool(producers + consumers);
        LongAdder sent = new LongAdder();
        LongAdder received = new LongAdder();
        LongAdder early = new LongAdder();
        AtomicLong lastDue = new AtomicLong(Long.MAX_VALUE);
        try {
            List<Future<Histogram>> lateness = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                lateness.add(threads.submit(() -> consume(broker, queue, received, early, lastDue, context)));
            }
            long start = System.nanoTime();
            List<Future<Histogram>> sendLatency = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long quota = count / producers + (p < count % producers ? 1 : 0);
                sendLatency.add(threads.submit(() -> produce(broker, queue, quota, context.messageSize(), sent)));
            }
            Histogram sendTimes = new Histogram(3);
            for (Future<Histogram> producer : sendLatency) {
                sendTimes.add(producer.get());
            }
            double enqueueSeconds = (System.nanoTime() - start) / 1e9;
            lastDue.set(System.currentTimeMillis() + delay.toMillis());
            context.progress().printf("%s: %,d sent in %.1f s; delivery due until %tT%n",
                    context.label(broker, ENQUEUE_PHASE), sent.sum(), enqueueSeconds, lastDue.get());
            HeapFigures afterEnqueue = broker.heapAfterFullGc();
            Histogram late = new Histogram(3);
            for (Future<Histogram> consumer : lateness) {
                late.add(consumer.get());
            }
            double deliverSeconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9 - delay.toMillis() / 1e3);
            HeapFigures afterDelivery = broker.heapAfterFullGc();
            context.progress().printf("%s: %,d received, %,d before their JMSDeliveryTime%n",
                    context.label(broker, DELIVER_PHASE), received.sum(), early.sum());
            return List.of(
                    Measurement.of(BASELINE_PHASE, broker.kind(), context.round()).heap(baseline),
                    Measurement.of(ENQUEUE_PHASE, broker.kind(), context.round())
                            .throughput(sent.sum(), enqueueSeconds, context.messageSize())
                            .counts(sent.sum(), -1)
                            .latency(sendTimes, "send() of a delayed message until the broker's answer")
                            .heap(afterEnqueue),
                    Measurement.of(DELIVER_PHASE, broker.kind(), context.round())
                            .throughput(received.sum(), deliverSeconds, context.messageSize())
                            .counts(sent.sum(), received.sum())
                            .latency(late, "lateness: receive time minus JMSDeliveryTime (early ones as 0)")
                            .heap(afterDelivery));
        } finally {
            threads.shutdownNow();
        }
    }

    private Histogram produce(Broker broker, String queue, long quota, int size, LongAdder sent) throws Exception {
        Histogram latency = new Histogram(3);
        byte[] body = new byte[size];
        try (Connection connection = JmsBroker.of(broker, "delay").connectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queue));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            producer.setDeliveryDelay(delay.toMillis());
            for (long i = 0; i < quota; i++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(body);
                long before = System.nanoTime();
                producer.send(message);
                latency.recordValue(System.nanoTime() - before);
                sent.increment();
            }
        }
        return latency;
    }

    /** Receives until every message sent has arrived, or nothing came for the idle timeout after the last due time. */
    private Histogram consume(Broker broker, String queue, LongAdder received, LongAdder early, AtomicLong lastDue,
                              ScenarioContext context) throws JMSException {
        Histogram lateness = new Histogram(3);
        try (Connection connection = JmsBroker.of(broker, "delay").connectionFactory().createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = session.createConsumer(session.createQueue(queue));
            connection.start();
            long lastReceive = System.currentTimeMillis();
            while (received.sum() < count) {
                Message message = consumer.receive(POLL_MILLIS);
                long now = System.currentTimeMillis();
                if (message == null) {
                    long due = lastDue.get(); // MAX_VALUE while the producers are still sending
                    if (due != Long.MAX_VALUE && now > Math.max(due, lastReceive) + context.idleTimeout().toMillis()) {
                        break;
                    }
                    continue;
                }
                lastReceive = now;
                long late = now - message.getJMSDeliveryTime();
                if (late < 0) {
                    early.increment();
                }
                lateness.recordValue(TimeUnit.MILLISECONDS.toNanos(Math.max(0, late)));
                received.increment();
            }
        }
        return lateness;
    }

    @Override
    public List<TargetOutcome> targets(Results results) {
        String latenessClaim = "delayed messages delivered within 1 s of their due time: KeelMQ lateness p99 <= 1 s";
        String heapClaim = String.format("pending delayed messages do not grow KeelMQ's heap in proportion: under %d "
                + "bytes per pending message", TARGET_HEAP_BYTES_PER_PENDING);
        Optional<Aggregate> baseline = results.aggregate(BASELINE_PHASE, BrokerKind.KEEL);
        Optional<Aggregate> enqueue = results.aggregate(ENQUEUE_PHASE, BrokerKind.KEEL);
        Optional<Aggregate> deliver = results.aggregate(DELIVER_PHASE, BrokerKind.KEEL);
        if (baseline.isEmpty() || enqueue.isEmpty() || deliver.isEmpty() || deliver.get().latency() == null) {
            return List.of(TargetOutcome.notEvaluated(latenessClaim, "KeelMQ did not run"),
                    TargetOutcome.notEvaluated(heapClaim, "KeelMQ did not run"));
        }
        long p99 = deliver.get().latency().getValueAtPercentile(99);
        TargetOutcome lateness = TargetOutcome.judged(latenessClaim, String.format("p99 %.0f ms", p99 / 1e6),
                p99 <= TARGET_LATENESS_NANOS);
        long growth = enqueue.get().maxHeap().usedBytes() - baseline.get().maxHeap().usedBytes();
        long pending = Math.max(1, enqueue.get().sent() / Math.max(1, enqueue.get().rounds()));
        String measured = String.format("%+.1f MiB with %,d pending (%.1f bytes each)", growth / (1024.0 * 1024.0),
                pending, (double) growth / pending);
        if (pending < MIN_COUNT_FOR_HEAP_TARGET) {
            return List.of(lateness, TargetOutcome.notEvaluated(heapClaim, measured + String.format(": below %,d "
                    + "messages the heap's own noise (a few MiB) swamps the figure", MIN_COUNT_FOR_HEAP_TARGET)));
        }
        return List.of(lateness, TargetOutcome.judged(heapClaim, measured,
                growth < TARGET_HEAP_BYTES_PER_PENDING * pending));
    }
}
