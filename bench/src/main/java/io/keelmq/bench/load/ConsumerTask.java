package io.keelmq.bench.load;

import org.HdrHistogram.Histogram;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One consumer: its own connection ({@link LoadClient#receiver}), a synchronous receive loop (the same code for every
 * broker; a listener would measure each client's dispatch threads instead), until the goal says every sent message
 * has arrived.
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
        Histogram latency = spec.recordsEndToEnd() ? new Histogram(3) : null;
        long count = 0;
        long lastReceive = 0;
        boolean arrived = false;
        LoadClient.Receiver consumer = null;
        try {
            consumer = client.receiver(spec, index);
            start.arrive();
            arrived = true;
            start.awaitGo();
            while (!abort.get()) {
                long stamp = consumer.receive(POLL_MILLIS);
                long now = System.nanoTime();
                if (stamp != LoadClient.Receiver.NO_MESSAGE) {
                    if (latency != null && stamp != LoadClient.Receiver.UNSTAMPED) {
                        latency.recordValue(Math.max(0, now - stamp));
                    }
                    count++;
                    lastReceive = now;
                    consumer.counted();
                    goal.received(now);
                }
                if (goal.done(now)) {
                    break;
                }
            }
            consumer.finish();
            return new Result(count, lastReceive, latency);
        } finally {
            if (!arrived) {
                start.arrive();
            }
            if (consumer != null) {
                consumer.close();
            }
        }
    }
}
