package io.keelmq.server.delay;

import io.keelmq.server.message.IntegerProperty;

import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.config.DelayLevels;
import io.keelmq.server.errors.RequestException;

/**
 * When a message sent now becomes deliverable. Two ways to ask for a delay:
 * <ul>
 * <li>{@value #DELAY_LEVEL} (an integer property, RocketMQ's delayTimeLevel): 1..N picks a level of
 *     {@code messageDelayLevel}, counted from the broker's clock at the send; above N means N; 0 or
 *     absent means none; negative or not an integer is refused (MESSAGE_ILLEGAL).</li>
 * <li>JMS delivery delay: the client stamps JMSDeliveryTime; it is a delay when it is later than
 *     JMSTimestamp (or JMSTimestamp is 0) and later than the broker's clock, the rule
 *     {@code DecodedMessage.deliverNotBefore} applies at delivery.</li>
 * </ul>
 * When both are set, both hold: the message is due at the later of the two times. JMSDeliveryTime
 * itself is never changed.
 */
public final class DeliveryDelay {
    public static final String DELAY_LEVEL = "JMS_Keel_DelayLevel";

    private final DelayLevels levels;

    public DeliveryDelay(DelayLevels levels) {
        this.levels = levels;
    }

    /**
     * The due time (epoch ms) of {@code message} sent at {@code now}, or 0 when it is deliverable at once.
     *
     * @throws RequestException (MESSAGE_ILLEGAL) if {@value #DELAY_LEVEL} is negative or not an integer
     */
    public long dueMillis(WireMessage message, long now) {
        long due = 0;
        long level = level(message.getProperty(DELAY_LEVEL));
        if (level > 0) {
            due = now + levels.delayMillis((int) Math.min(level, levels.count()));
        }
        long deliveryTime = message.getDeliveryTime();
        long timestamp = message.getTimestamp();
        boolean deliveryDelayAsked = timestamp == 0 || deliveryTime > timestamp;
        if (deliveryDelayAsked && deliveryTime > now) {
            due = Math.max(due, deliveryTime);
        }
        return due;
    }

    private static long level(Object value) {
        return IntegerProperty.nonNegative(value, DELAY_LEVEL, "use 0 for no delay or 1.. for a level of messageDelayLevel");
    }
}
