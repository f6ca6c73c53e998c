package io.keelmq.bench.load;

import java.time.Duration;

/**
 * One burst of load on one queue: how many producers and consumers, how much, how fast, in what kind
 * of session, and what to measure. Producers and consumers run at the same time; with no producers the
 * consumers drain {@link #expectReceives} messages already there, with no consumers the messages stay.
 */
public final class LoadSpec {
    private final String label;
    private final String queue;
    private int producers;
    private int consumers;
    private int messageSize = 1024;
    private Quota quota = Quota.count(0);
    private double rate;
    private int batch;
    private ConsumeMode consumeMode = ConsumeMode.AUTO;
    private String producerGroup;
    private boolean recordSendLatency;
    private boolean recordEndToEnd;
    private long expectReceives = -1;
    private Duration idleTimeout = Duration.ofSeconds(30);

    /**
     * @param label shown on the progress line, e.g. {@code KeelMQ r1 send}
     * @param queue the JMS queue name
     */
    public LoadSpec(String label, String queue) {
        this.label = label;
        this.queue = queue;
    }

    public LoadSpec producers(int producers, Quota quota) {
        this.producers = producers;
        this.quota = quota;
        return this;
    }

    public LoadSpec consumers(int consumers) {
        this.consumers = consumers;
        return this;
    }

    public LoadSpec messageSize(int bytes) {
        this.messageSize = bytes;
        return this;
    }

    /** Messages per second over all producers on a constant-rate schedule; 0 (the default) is as fast as they can. */
    public LoadSpec rate(double messagesPerSecond) {
        this.rate = messagesPerSecond;
        return this;
    }

    /** Transacted sessions that commit every {@code messages} messages; 0 (the default) is AUTO_ACKNOWLEDGE. */
    public LoadSpec transactedBatch(int messages) {
        this.batch = messages;
        return this;
    }

    /**
     * How consumers take and acknowledge messages; {@link ConsumeMode#TRANSACTED} commits every
     * {@link ConsumeMode#TRANSACTED_BATCH} messages unless {@link #transactedBatch} set a batch.
     */
    public LoadSpec consumeMode(ConsumeMode mode) {
        this.consumeMode = mode;
        return this;
    }

    /**
     * KeelMQ transactional producers of {@code group}: each message is a half message committed at once by its local
     * transaction (non-transacted sessions; for KeelMQ only).
     */
    public LoadSpec transactionalProducers(String group) {
        this.producerGroup = group;
        return this;
    }

    /** Record how long each send() call takes (from the due time when paced). */
    public LoadSpec recordSendLatency() {
        this.recordSendLatency = true;
        return this;
    }

    /** Record send-to-receive latency from the timestamp each message carries. */
    public LoadSpec recordEndToEnd() {
        this.recordEndToEnd = true;
        return this;
    }

    /** For consumers without producers: how many messages are waiting. */
    public LoadSpec expectReceives(long messages) {
        this.expectReceives = messages;
        return this;
    }

    /** Consumers give up when nothing has arrived for this long after the producers finished. */
    public LoadSpec idleTimeout(Duration timeout) {
        this.idleTimeout = timeout;
        return this;
    }

    String label() {
        return label;
    }

    public String queue() {
        return queue;
    }

    public int producers() {
        return producers;
    }

    public int consumers() {
        return consumers;
    }

    int messageSize() {
        return messageSize;
    }

    Quota quota() {
        return quota;
    }

    double rate() {
        return rate;
    }

    public int batch() {
        return batch;
    }

    /** How consumers take and acknowledge messages: {@link ConsumeMode#TRANSACTED} whenever a transacted batch is set. */
    public ConsumeMode consumeMode() {
        return batch > 0 ? ConsumeMode.TRANSACTED : consumeMode;
    }

    /** Messages per commit (transacted) or per acknowledge() (client); 0 otherwise. */
    int consumerBatch() {
        if (batch > 0) {
            return batch;
        }
        return switch (consumeMode) {
            case TRANSACTED -> ConsumeMode.TRANSACTED_BATCH;
            case CLIENT -> ConsumeMode.CLIENT_BATCH;
            default -> 0;
        };
    }

    public String producerGroup() {
        return producerGroup;
    }

    boolean recordsSendLatency() {
        return recordSendLatency;
    }

    boolean recordsEndToEnd() {
        return recordEndToEnd;
    }

    long expectedReceives() {
        return expectReceives;
    }

    Duration idleTimeout() {
        return idleTimeout;
    }
}
