package io.keelmq.server.redelivery;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.config.DelayLevels;

/**
 * When a failed message is delivered again, and when it is given up on (RocketMQ's retry schedule on JMS):
 * the 1st redelivery is at once (JMS requires a recovered or rolled-back message to come back); the n-th
 * (n &ge; 2) waits level n-1 of {@code redeliveryDelayLevels} (the last level repeats); after
 * {@code maxReconsumeTimes} redeliveries the next failure sends the message to the dead-letter queue.
 * So a message is delivered at most {@code maxReconsumeTimes + 1} times.
 */
public record RedeliveryPolicy(int maxReconsumeTimes, DelayLevels delayLevels) {

    /** The policy of the destination named {@code destinationName}: its own settings, else the broker's. */
    public static RedeliveryPolicy of(BrokerConfig config, String destinationName) {
        return new RedeliveryPolicy(config.get(ConfigKeys.MAX_RECONSUME_TIMES, destinationName),
                config.get(ConfigKeys.REDELIVERY_DELAY_LEVELS, destinationName));
    }

    /** What to do after a message's {@code failures}-th failed delivery (failures &ge; 1). */
    public Decision decide(int failures) {
        if (failures - 1 >= maxReconsumeTimes) {
            return Decision.DEAD_LETTER;
        }
        if (failures <= 1) {
            return Decision.IMMEDIATE;
        }
        return Decision.BACK_OFF;
    }

    /** How long the redelivery after the {@code failures}-th failure waits (failures &ge; 2). */
    public long backOffMillis(int failures) {
        return delayLevels.delayMillis(Math.min(failures - 1, delayLevels.count()));
    }

    public enum Decision {
        /** Redelivered at once, in place (before newer messages). */
        IMMEDIATE,
        /** Redelivered after {@link #backOffMillis}, as a retry copy through the delay timer. */
        BACK_OFF,
        /** Moved to the dead-letter queue. */
        DEAD_LETTER
    }
}
