package io.keelmq.server.send;

import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.message.IntegerProperty;

/** RocketMQ's CHECK_IMMUNITY_TIME_IN_SECONDS for one message: how long its half is not checked back. */
final class CheckImmunity {
    /** The property a transactional producer's message may carry (whole seconds). */
    static final String PROPERTY = "JMS_Keel_CheckImmunitySeconds";

    private CheckImmunity() {
    }

    /** Milliseconds, or -1 when the message does not say (the broker's {@code transactionTimeOut} applies). */
    static long millis(WireMessage message) {
        long seconds = IntegerProperty.nonNegative(message.getProperty(PROPERTY), PROPERTY,
                "use a whole number of seconds, 0 or more");
        return seconds < 0 ? -1 : Math.multiplyExact(seconds, 1000L);
    }
}
