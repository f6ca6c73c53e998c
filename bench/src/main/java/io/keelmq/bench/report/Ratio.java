package io.keelmq.bench.report;

import io.keelmq.bench.broker.BrokerKind;

/**
 * KeelMQ / another broker ({@code versus}) for one phase: above 1 means KeelMQ moves more messages per second; for latency,
 * below 1 means KeelMQ's is lower. Latency ratios are NaN when the phase records none.
 */
public record Ratio(String phase, BrokerKind versus, double messagesPerSecond, double p50, double p99, double p999) {
    static Ratio of(Aggregate keel, Aggregate versus) {
        LatencySummary k = keel.latencySummary();
        LatencySummary a = versus.latencySummary();
        boolean latency = k != null && a != null;
        return new Ratio(keel.phase(), versus.broker(), divide(keel.messagesPerSecond(), versus.messagesPerSecond()),
                latency ? divide(k.p50(), a.p50()) : Double.NaN,
                latency ? divide(k.p99(), a.p99()) : Double.NaN,
                latency ? divide(k.p999(), a.p999()) : Double.NaN);
    }

    private static double divide(double a, double b) {
        return b == 0 ? Double.NaN : a / b;
    }
}
