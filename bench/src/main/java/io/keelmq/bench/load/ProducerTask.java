package io.keelmq.bench.load;

import org.HdrHistogram.Histogram;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * One producer: its own connection ({@link LoadClient#sender}), messages of the given size until the shared quota
 * says stop, each stamped with its send time (or its due time on a constant-rate schedule). A message counts as sent
 * once the client says so: at the broker's answer, or in a transacted session when its batch committed.
 */
final class ProducerTask implements Callable<ProducerTask.Result> {
    record Result(long sent, long endNanos, Histogram sendLatency) {
    }

    private final LoadClient client;
    private final LoadSpec spec;
    private final int index;
    private final Start start;
    private final LongAdder sent;
    private final AtomicBoolean abort;

    ProducerTask(LoadClient client, LoadSpec spec, int index, Start start, LongAdder sent, AtomicBoolean abort) {
        this.client = client;
        this.spec = spec;
        this.index = index;
        this.start = start;
        this.sent = sent;
        this.abort = abort;
    }

    @Override
    public Result call() throws Exception {
        Histogram latency = spec.recordsSendLatency() ? new Histogram(3) : null;
        byte[] payload = Payload.of(spec.messageSize());
        long count = 0;
        boolean arrived = false;
        LoadClient.Sender producer = null;
        try {
            producer = client.sender(spec, index);
            start.arrive();
            arrived = true;
            long startNanos = start.awaitGo();
            Schedule schedule = spec.rate() > 0 ? new Schedule(spec.rate(), spec.producers(), index, startNanos) : null;
            while (!abort.get() && spec.quota().take()) {
                long due = 0;
                if (schedule != null) {
                    due = schedule.next();
                    Schedule.waitUntil(due);
                }
                producer.prepare(payload);
                long before = System.nanoTime();
                long origin = schedule != null ? due : before;
                int nowSent = producer.send(origin);
                if (latency != null) {
                    // A transacted send is done when its batch's commit is answered (half's Artemis arm: every one).
                    latency.recordValue(Math.max(0, System.nanoTime() - origin));
                }
                count += nowSent;
                sent.add(nowSent);
            }
            int last = producer.finish();
            count += last;
            sent.add(last);
            return new Result(count, System.nanoTime(), latency);
        } finally {
            if (!arrived) {
                start.arrive();
            }
            if (producer != null) {
                producer.close();
            }
        }
    }
}
