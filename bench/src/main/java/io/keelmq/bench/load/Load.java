package io.keelmq.bench.load;

import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs one {@link LoadSpec}: a thread per producer and per consumer, all connected before a common start,
 * producers until their quota, consumers until they have everything that was sent. The first failure
 * stops every task and is rethrown; nothing is retried or hidden.
 */
public final class Load {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(120);

    private Load() {
    }

    public static LoadResult run(LoadClient client, LoadSpec spec, PrintStream progressOut) throws Exception {
        int parties = spec.producers() + spec.consumers();
        if (parties == 0) {
            throw new IllegalArgumentException("a load needs producers or consumers");
        }
        LongAdder sent = new LongAdder();
        ReceiveGoal goal = new ReceiveGoal(spec.idleTimeout());
        if (spec.producers() == 0) {
            goal.expect(Math.max(0, spec.expectedReceives()));
        }
        AtomicBoolean abort = new AtomicBoolean();
        Start start = new Start(parties);
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(parties, task -> {
            Thread thread = new Thread(task, "bench-load-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        List<Future<ProducerTask.Result>> producers = new ArrayList<>();
        List<Future<ConsumerTask.Result>> consumers = new ArrayList<>();
        Progress progress = new Progress(spec.label(), sent, goal, progressOut);
        try {
            for (int i = 0; i < spec.consumers(); i++) {
                consumers.add(threads.submit(new ConsumerTask(client, spec, i, start, goal, abort)));
            }
            for (int i = 0; i < spec.producers(); i++) {
                producers.add(threads.submit(new ProducerTask(client, spec, i, start, sent, abort)));
            }
            if (!start.awaitReady(CONNECT_TIMEOUT)) {
                abort.set(true);
            }
            long startNanos = System.nanoTime();
            Optional<CpuTimes> cpuAtStart = CpuTimes.read();
            spec.quota().start(startNanos);
            start.go(startNanos);

            Failure failure = new Failure(abort);
            long sentTotal = 0;
            long producersEnd = startNanos;
            Histogram sendLatency = spec.recordsSendLatency() ? new Histogram(3) : null;
            for (Future<ProducerTask.Result> producer : producers) {
                ProducerTask.Result result = failure.get(producer);
                if (result != null) {
                    sentTotal += result.sent();
                    producersEnd = Math.max(producersEnd, result.endNanos());
                    if (sendLatency != null) {
                        sendLatency.add(result.sendLatency());
                    }
                }
            }
            long receivedWhenProducersEnded = goal.receivedSoFar();
            if (spec.producers() > 0) {
                goal.expect(sentTotal);
            }
            long receivedTotal = 0;
            long lastReceive = startNanos;
            Histogram endToEnd = spec.recordsEndToEnd() ? new Histogram(3) : null;
            for (Future<ConsumerTask.Result> consumer : consumers) {
                ConsumerTask.Result result = failure.get(consumer);
                if (result != null) {
                    receivedTotal += result.received();
                    lastReceive = Math.max(lastReceive, result.lastReceiveNanos());
                    if (endToEnd != null) {
                        endToEnd.add(result.endToEnd());
                    }
                }
            }
            failure.rethrow(spec.label());
            if (abort.get()) {
                throw new IllegalStateException(spec.label() + ": producers and consumers did not connect within "
                        + CONNECT_TIMEOUT.toSeconds() + " s");
            }
            if (goal.timedOut()) {
                progressOut.printf("  [%s] WARNING: received %,d of %,d messages; nothing arrived for %d s%n",
                        spec.label(), receivedTotal, sentTotal, spec.idleTimeout().toSeconds());
            }
            CpuTimes.CpuShare cpu = cpuAtStart.flatMap(before -> CpuTimes.read().map(now -> now.shareSince(before)))
                    .orElse(null);
            return new LoadResult(sentTotal, receivedTotal, startNanos, producersEnd, lastReceive, sendLatency,
                    endToEnd, goal.timedOut(), cpu, receivedWhenProducersEnded);
        } finally {
            progress.close();
            abort.set(true);
            threads.shutdownNow();
            threads.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    /** Keeps the first task failure and stops the other tasks when it happens. */
    private static final class Failure {
        private final AtomicBoolean abort;
        private Throwable first;

        Failure(AtomicBoolean abort) {
            this.abort = abort;
        }

        <T> T get(Future<T> task) throws InterruptedException {
            try {
                return task.get();
            } catch (ExecutionException e) {
                abort.set(true);
                if (first == null) {
                    first = e.getCause();
                }
                return null;
            }
        }

        void rethrow(String label) throws Exception {
            if (first instanceof Exception exception) {
                throw new LoadFailedException(label + ": " + exception, exception);
            }
            if (first instanceof Error error) {
                throw error;
            }
        }
    }
}
