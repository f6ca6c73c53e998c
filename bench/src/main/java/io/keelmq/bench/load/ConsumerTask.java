package io.keelmq.bench.load;

import org.HdrHistogram.Histogram;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer: its own connection ({@link LoadClient#receiver}), a synchronous receive loop (the same code for every
 * broker), or, where the receiver {@linkplain LoadClient.Receiver#listen listens} ({@link ConsumeMode#LISTENER}), the
 * client's own dispatch thread (which measures each client's dispatch threads too), until the goal says every sent
 * message has arrived. How messages are acknowledged (per message, per batch, by commit) is the receiver's business.
 */
final class ConsumerTask implements Callable<ConsumerTask.Result> {
    record Result(long received, long lastReceiveNanos, Histogram endToEnd) {
    }

    /** Short, so a consumer notices the goal soon after the last message went to another consumer. */
    private static final long POLL_MILLIS = 100;

    private final LoadClient client;
    private final LoadSpec spec;
    private final int index;
    private final Start start;
    private final ReceiveGoal goal;
    private final AtomicBoolean abort;

    ConsumerTask(LoadClient client, LoadSpec spec, int index, Start start, ReceiveGoal goal, AtomicBoolean abort) {
        this.client = client;
        this.spec = spec;
        this.index = index;
        this.start = start;
        this.goal = goal;
        this.abort = abort;
    }

    @Override
    public Result call() throws Exception {
        Tally tally = new Tally(spec.recordsEndToEnd() ? new Histogram(3) : null);
        boolean arrived = false;
        LoadClient.Receiver consumer = null;
        try {
            consumer = client.receiver(spec, index);
            start.arrive();
            arrived = true;
            start.awaitGo();
            if (consumer.listen(tally::received)) {
                awaitGoal();
            } else {
                receiveLoop(consumer, tally);
            }
            // For a listener: stops it (waiting for one in onMessage) before the tally is read.
            consumer.finish();
            synchronized (tally) {
                return new Result(tally.count, tally.lastReceive, tally.latency);
            }
        } finally {
            if (!arrived) {
                start.arrive();
            }
            if (consumer != null) {
                consumer.close();
            }
        }
    }

    private void receiveLoop(LoadClient.Receiver consumer, Tally tally) throws Exception {
        while (!abort.get()) {
            long stamp = consumer.receive(POLL_MILLIS);
            if (stamp != LoadClient.Receiver.NO_MESSAGE) {
                tally.received(stamp);
                consumer.counted();
            }
            if (goal.done(System.nanoTime())) {
                break;
            }
        }
    }

    private void awaitGoal() throws InterruptedException {
        while (!abort.get() && !goal.done(System.nanoTime())) {
            Thread.sleep(POLL_MILLIS / 10);
        }
    }

    /** What one consumer received; written by its receive loop or its listener's thread. */
    private final class Tally {
        private final Histogram latency;
        private long count;
        private long lastReceive;

        Tally(Histogram latency) {
            this.latency = latency;
        }

        synchronized void received(long stampNanos) {
            long now = System.nanoTime();
            if (latency != null && stampNanos != LoadClient.Receiver.UNSTAMPED) {
                latency.recordValue(Math.max(0, now - stampNanos));
            }
            count++;
            lastReceive = now;
            goal.received(now);
        }
    }
}
