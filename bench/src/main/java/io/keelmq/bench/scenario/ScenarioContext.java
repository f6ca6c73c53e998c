package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.Broker;

import java.io.PrintStream;
import java.time.Duration;

/**
 * What every scenario run shares: the round, the message size, the warm-up, how long consumers wait for
 * missing messages, and where progress lines go.
 */
public record ScenarioContext(int round, int messageSize, Duration warmup, Duration idleTimeout,
                              PrintStream progress) {
    /** {@code KeelMQ r1 send}: names a load on the progress line. */
    public String label(Broker broker, String phase) {
        return broker.kind().label() + " r" + round + " " + phase;
    }
}
