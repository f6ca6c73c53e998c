package io.keelmq.bench.scenario;

import io.keelmq.bench.broker.BrokerKind;
import io.keelmq.bench.broker.HeapFigures;
import io.keelmq.bench.load.CpuPerMessage;
import io.keelmq.bench.load.CpuTimes;
import org.HdrHistogram.Histogram;

/**
 * One figure a scenario measured on one broker in one round: a phase ({@code send}, {@code e2e-max},
 * {@code backlog-consume}, ...) with its throughput, message counts, latency distribution and, where the
 * phase looks at it, the broker's heap. A phase the broker cannot run carries the reason instead.
 */
public final class Measurement {
    private final String phase;
    private final BrokerKind broker;
    private final int round;
    private String unsupportedReason;
    private long messages;
    private double seconds;
    private int messageSize;
    private long sent = -1;
    private long received = -1;
    private Histogram latency;
    private String latencyMeaning;
    private HeapFigures heap;
    private double offeredRate;
    private CpuTimes.CpuShare cpu;
    private CpuPerMessage cpuPerMessage;

    private Measurement(String phase, BrokerKind broker, int round) {
        this.phase = phase;
        this.broker = broker;
        this.round = round;
    }

    public static Measurement of(String phase, BrokerKind broker, int round) {
        return new Measurement(phase, broker, round);
    }

    /** The broker refused the phase; {@code reason} is its own words. */
    public static Measurement unsupported(String phase, BrokerKind broker, int round, String reason) {
        Measurement measurement = new Measurement(phase, broker, round);
        measurement.unsupportedReason = reason;
        return measurement;
    }

    /** {@code messages} of {@code size} bytes moved in {@code seconds}. */
    public Measurement throughput(long messages, double seconds, int size) {
        this.messages = messages;
        this.seconds = seconds;
        this.messageSize = size;
        return this;
    }

    /** Messages the producers had acknowledged and the consumers received; -1 where a phase has no consumers. */
    public Measurement counts(long sent, long received) {
        this.sent = sent;
        this.received = received;
        return this;
    }

    /** Latency in nanoseconds, and what it measures (it differs between phases). */
    public Measurement latency(Histogram histogram, String meaning) {
        this.latency = histogram;
        this.latencyMeaning = meaning;
        return this;
    }

    public Measurement heap(HeapFigures figures) {
        this.heap = figures;
        return this;
    }

    /** The constant rate the producers were asked for (0 when they sent as fast as they could). */
    public Measurement offeredRate(double messagesPerSecond) {
        this.offeredRate = messagesPerSecond;
        return this;
    }

    /** What the machine's cores did during the phase (null: unknown); steal explains many a slow round. */
    public Measurement cpu(CpuTimes.CpuShare share) {
        this.cpu = share;
        return this;
    }

    public CpuTimes.CpuShare cpu() {
        return cpu;
    }

    /** Broker and bench JVM's CPU time per 1000 messages of the phase (null: not measured). */
    public Measurement cpuPerMessage(CpuPerMessage figures) {
        this.cpuPerMessage = figures;
        return this;
    }

    public CpuPerMessage cpuPerMessage() {
        return cpuPerMessage;
    }

    public String phase() {
        return phase;
    }

    public BrokerKind broker() {
        return broker;
    }

    public int round() {
        return round;
    }

    public boolean supported() {
        return unsupportedReason == null;
    }

    public String unsupportedReason() {
        return unsupportedReason;
    }

    public long messages() {
        return messages;
    }

    public double seconds() {
        return seconds;
    }

    public int messageSize() {
        return messageSize;
    }

    public long sent() {
        return sent;
    }

    public long received() {
        return received;
    }

    public Histogram latency() {
        return latency;
    }

    public String latencyMeaning() {
        return latencyMeaning;
    }

    public HeapFigures heap() {
        return heap;
    }

    public double offeredRate() {
        return offeredRate;
    }

    public double messagesPerSecond() {
        return seconds > 0 ? messages / seconds : 0;
    }

    public double megabytesPerSecond() {
        return messagesPerSecond() * messageSize / 1e6;
    }
}
