package io.keelmq.jms;

/** The per-send settings a producer applies (spec 7.4-7.9); the message's own values for these are ignored. */
record SendParams(int deliveryMode, int priority, long timeToLive, long deliveryDelay, boolean disableTimestamp) {
}
