package io.keelmq.server.delay;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.server.config.DelayLevels;
import io.keelmq.server.errors.RequestException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which sends are delayed and until when: levels, JMSDeliveryTime, and both together. */
class DeliveryDelayTest {
    private static final long NOW = 1_700_000_000_000L;
    private final DeliveryDelay delay = new DeliveryDelay(DelayLevels.parse("1s 2s 3s"));

    /** A message as the client stamps it: JMSTimestamp = send time, JMSDeliveryTime = send time + delay. */
    private static WireMessage sent(long clientNow, long deliveryDelay) {
        WireMessage message = new WireMessage();
        message.setTimestamp(clientNow);
        message.setDeliveryTime(clientNow + deliveryDelay);
        return message;
    }

    private static WireMessage withLevel(Object level) {
        WireMessage message = sent(NOW, 0);
        message.setProperty(DeliveryDelay.DELAY_LEVEL, level);
        return message;
    }

    @Test
    void aLevelPicksItsDelayFromTheBrokersClockAndAboveTheLastMeansTheLast() {
        assertEquals(NOW + 1_000, delay.dueMillis(withLevel(1), NOW));
        assertEquals(NOW + 2_000, delay.dueMillis(withLevel(2), NOW));
        assertEquals(NOW + 3_000, delay.dueMillis(withLevel(3), NOW));
        assertEquals(NOW + 3_000, delay.dueMillis(withLevel(4), NOW));
        assertEquals(NOW + 3_000, delay.dueMillis(withLevel(Long.MAX_VALUE), NOW));
        assertEquals(NOW + 2_000, delay.dueMillis(withLevel("2"), NOW), "a string holding an integer is accepted");
        assertEquals(NOW + 2_000, delay.dueMillis(withLevel((short) 2), NOW));
    }

    @Test
    void levelZeroOrNoneIsNoDelay() {
        assertEquals(0, delay.dueMillis(withLevel(0), NOW));
        assertEquals(0, delay.dueMillis(sent(NOW, 0), NOW));
    }

    @Test
    void aNegativeOrNonIntegerLevelIsRefusedNamingTheProperty() {
        for (Object bad : new Object[] {-1, "soon", 1.5}) {
            RequestException refused = assertThrows(RequestException.class, () -> delay.dueMillis(withLevel(bad), NOW));
            assertEquals(ErrorCode.MESSAGE_ILLEGAL, refused.errorCode());
            assertTrue(refused.getMessage().contains(DeliveryDelay.DELAY_LEVEL), refused.getMessage());
        }
    }

    @Test
    void aDeliveryDelayIsDueAtJmsDeliveryTime() {
        assertEquals(NOW + 1_500, delay.dueMillis(sent(NOW, 1_500), NOW));
        assertEquals(NOW + 7, delay.dueMillis(sent(NOW, 7), NOW), "any number of milliseconds");
    }

    @Test
    void aDeliveryTimeNotAfterTheTimestampOrAlreadyPassedIsNoDelay() {
        // A client clock 10 s ahead of the broker's stamps both headers 10 s ahead: no delay was asked for.
        assertEquals(0, delay.dueMillis(sent(NOW + 10_000, 0), NOW));
        // Asked for, but already due by the broker's clock (a slow network, a clock behind).
        assertEquals(0, delay.dueMillis(sent(NOW - 5_000, 1_000), NOW));
        // Timestamps disabled: the delivery time is all there is.
        WireMessage noTimestamp = sent(0, 0);
        noTimestamp.setDeliveryTime(NOW + 500);
        assertEquals(NOW + 500, delay.dueMillis(noTimestamp, NOW));
    }

    @Test
    void withALevelAndADeliveryDelayTheLaterDueTimeWins() {
        WireMessage shortDelay = sent(NOW, 500);
        shortDelay.setProperty(DeliveryDelay.DELAY_LEVEL, 2);
        assertEquals(NOW + 2_000, delay.dueMillis(shortDelay, NOW));
        WireMessage longDelay = sent(NOW, 9_000);
        longDelay.setProperty(DeliveryDelay.DELAY_LEVEL, 2);
        assertEquals(NOW + 9_000, delay.dueMillis(longDelay, NOW));
    }
}
