package io.keelmq.jms;

/**
 * Where a new durable topic subscription starts reading its topic (RocketMQ's {@code ConsumeFromWhere}); connection
 * option {@code consumeFromWhere}. It applies only when the subscription is created: an existing one goes on from its
 * stored position, and a queue always keeps all its messages.
 */
public enum ConsumeFromWhere {
    /** At the end of the log: only messages published from now on (the JMS rule; the default). */
    CONSUME_FROM_LAST_OFFSET,
    /** At the oldest message the broker still stores. */
    CONSUME_FROM_FIRST_OFFSET,
    /** At the first message stored at or after connection option {@code consumeTimestamp}. */
    CONSUME_FROM_TIMESTAMP
}
