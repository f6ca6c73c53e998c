package io.keelmq.server.redelivery;

import io.keelmq.server.config.BrokerConfig;
import io.keelmq.server.config.ConfigException;
import io.keelmq.server.config.ConfigLoader;
import io.keelmq.server.config.DelayLevels;
import org.junit.jupiter.api.Test;

import static io.keelmq.server.redelivery.RedeliveryPolicy.Decision.BACK_OFF;
import static io.keelmq.server.redelivery.RedeliveryPolicy.Decision.DEAD_LETTER;
import static io.keelmq.server.redelivery.RedeliveryPolicy.Decision.IMMEDIATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The schedule: at once, then each level (the last repeating), then the dead-letter queue; per-destination keys. */
class RedeliveryPolicyTest {

    @Test
    void defaultsAreRocketMqsRetrySchedule() {
        RedeliveryPolicy policy = RedeliveryPolicy.of(BrokerConfig.defaults(), "orders");
        assertEquals(16, policy.maxReconsumeTimes());
        assertEquals(16, policy.delayLevels().count());
        assertEquals(IMMEDIATE, policy.decide(1));
        assertEquals(BACK_OFF, policy.decide(2));
        assertEquals(10_000, policy.backOffMillis(2));
        assertEquals(30_000, policy.backOffMillis(3));
        assertEquals(3_600_000, policy.backOffMillis(16));
        assertEquals(BACK_OFF, policy.decide(16), "the 16th redelivery still happens");
        assertEquals(DEAD_LETTER, policy.decide(17), "17 deliveries: maxReconsumeTimes exceeded");
    }

    @Test
    void theLastLevelRepeatsAndZeroMeansDeadAtTheFirstFailure() {
        RedeliveryPolicy policy = new RedeliveryPolicy(5, DelayLevels.parse("200ms 400ms"));
        assertEquals(200, policy.backOffMillis(2));
        assertEquals(400, policy.backOffMillis(3));
        assertEquals(400, policy.backOffMillis(5));
        assertEquals(DEAD_LETTER, policy.decide(6));
        assertEquals(DEAD_LETTER, new RedeliveryPolicy(0, DelayLevels.parse("1s")).decide(1));
    }

    @Test
    void perDestinationKeysOverrideTheBrokersForThatNameOnly() throws Exception {
        BrokerConfig config = ConfigLoader.parse(new String[] {"--maxReconsumeTimes=4",
                "--maxReconsumeTimes.orders.eu=1", "--redeliveryDelayLevels.DLQ.orders=1m"}).config();
        assertEquals(1, RedeliveryPolicy.of(config, "orders.eu").maxReconsumeTimes());
        assertEquals(4, RedeliveryPolicy.of(config, "orders").maxReconsumeTimes());
        assertEquals(60_000, RedeliveryPolicy.of(config, "DLQ.orders").backOffMillis(2));
        assertEquals(10_000, RedeliveryPolicy.of(config, "orders").backOffMillis(2));

        ConfigException bad = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(new String[] {"--maxReconsumeTimes.orders=-1"}));
        assertEquals("bad value '-1' for key maxReconsumeTimes: must be between 0 and 10000", bad.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse(new String[] {"--listenPort.orders=1"}));
        assertEquals(true, unknown.getMessage().startsWith("unknown configuration key 'listenPort.orders'"),
                unknown.getMessage());
    }
}
