package io.keelmq.examples;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One measurement of {@link SendReceiveBenchmark}: {@code producers} threads, each with its own
 * connection, send PERSISTENT TextMessages to a fresh queue as fast as their synchronous sends
 * return, while one consumer receives them. A warm-up phase is sent first and not counted.
 *
 * <p>Latency is send-to-receive: each message carries the {@link System#nanoTime()} of the
 * moment before its send() (producers and consumer share this JVM, so the clocks agree), and
 * the consumer's listener records the difference when the message reaches it.
 */
final class BenchmarkRun {
    private static final String SENT_AT = "benchSentAtNanos";
    private static final String MEASURED = "benchMeasured";

    /** What one run measured. Latencies in microseconds. */
    record Result(int producers, long sent, long received, double sendsPerSecond, long p50Micros, long p99Micros,
                  long maxMicros) {
    }

    private final ConnectionFactory factory;
    private final int producers;
    private final long warmupMillis;
    private final long measureMillis;
    private final String body;

    BenchmarkRun(ConnectionFactory factory, int producers, long warmupMillis, long measureMillis, int bodyBytes) {
        this.factory = factory;
        this.producers = producers;
        this.warmupMillis = warmupMillis;
        this.measureMillis = measureMillis;
        this.body = "x".repeat(bodyBytes);
    }

    Result run() throws Exception {
        String queueName = "bench-" + producers + "p-" + System.nanoTime();
        Histogram latencies = new Histogram(3);
        AtomicLong received = new AtomicLong();
        AtomicLong sentTotal = new AtomicLong();
        AtomicLong sentMeasured = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (Connection consuming = factory.createConnection()) {
            // DUPS_OK: acknowledgements go in batches, so the consumer is not what limits the senders.
            Session session = consuming.createSession(false, Session.DUPS_OK_ACKNOWLEDGE);
            Queue queue = session.createQueue(queueName);
            MessageConsumer consumer = session.createConsumer(queue);
            consumer.setMessageListener(message -> {
                try {
                    long latencyNanos = System.nanoTime() - message.getLongProperty(SENT_AT);
                    if (message.getBooleanProperty(MEASURED)) {
                        // One session runs its listener on one thread at a time: no lock needed.
                        latencies.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMicros(latencyNanos)));
                    }
                    received.incrementAndGet();
                } catch (JMSException e) {
                    failure.compareAndSet(null, e);
                }
            });
            consuming.start();

            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
            long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
            CountDownLatch done = new CountDownLatch(producers);
            List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Thread thread = new Thread(() -> {
                    try {
                        produce(queueName, measureFrom, end, sentTotal, sentMeasured);
                    } catch (Exception e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                }, "bench-producer-" + p);
                threads.add(thread);
                thread.start();
            }
            done.await();
            long measuredNanos = Math.max(1, Math.min(System.nanoTime(), end) - measureFrom);
            // Let the consumer catch up: every message sent must arrive.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (received.get() < sentTotal.get() && System.nanoTime() < deadline && failure.get() == null) {
                Thread.sleep(10);
            }
            if (failure.get() != null) {
                throw failure.get();
            }
            consuming.stop(); // waits for the listener to return, so the histogram is complete
            double perSecond = sentMeasured.get() * 1e9 / measuredNanos;
            return new Result(producers, sentTotal.get(), received.get(), perSecond,
                    latencies.getValueAtPercentile(50), latencies.getValueAtPercentile(99), latencies.getMaxValue());
        }
    }

    private void produce(String queueName, long measureFrom, long end, AtomicLong sentTotal, AtomicLong sentMeasured)
            throws JMSException {
        try (Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = session.createProducer(session.createQueue(queueName));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            long now;
            while ((now = System.nanoTime()) < end) {
                TextMessage message = session.createTextMessage(body);
                boolean measured = now >= measureFrom;
                message.setBooleanProperty(MEASURED, measured);
                message.setLongProperty(SENT_AT, System.nanoTime());
                producer.send(message); // returns once the broker has the message on disk (SYNC_FLUSH)
                sentTotal.incrementAndGet();
                if (measured) {
                    sentMeasured.incrementAndGet();
                }
            }
        }
    }
}
