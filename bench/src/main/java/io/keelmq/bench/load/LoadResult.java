package io.keelmq.bench.load;

import org.HdrHistogram.Histogram;

/**
 * What one load burst did. Times are from the common start; a histogram is null when it was not
 * recorded. {@code idleTimedOut} means the consumers gave up waiting for messages that never came. {@code cpu} is
 * what the machine's cores did from the start until every task ended, null where Linux's figures are missing.
 * {@code receivedWhenProducersEnded}: messages received when the last producer had finished.
 */
public record LoadResult(long sent, long received, long startNanos, long producersEndNanos, long lastReceiveNanos,
                         Histogram sendLatency, Histogram endToEnd, boolean idleTimedOut, CpuTimes.CpuShare cpu,
                         long receivedWhenProducersEnded) {

    /** Messages sent and not yet received when the last producer finished: the queue's depth at the phase's end. */
    public long depthWhenProducersEnded() {
        return Math.max(0, sent - receivedWhenProducersEnded);
    }

    /** From the start until the last producer finished. */
    public double producerSeconds() {
        return Math.max(1, producersEndNanos - startNanos) / 1e9;
    }

    /** From the start until the last message was received. */
    public double consumerSeconds() {
        return Math.max(1, lastReceiveNanos - startNanos) / 1e9;
    }
}
