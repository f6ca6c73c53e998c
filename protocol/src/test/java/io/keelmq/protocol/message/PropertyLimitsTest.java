package io.keelmq.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.ProtocolException;
import org.junit.jupiter.api.Test;

class PropertyLimitsTest {

    private static byte[] withProperties(int count, int valueLength) {
        WireMessage m = new WireMessage();
        m.setDestination(DestinationRef.queue("q"));
        for (int i = 0; i < count; i++) {
            m.setProperty("p" + i, "x".repeat(valueLength));
        }
        return WireMessageCodec.encode(m);
    }

    @Test
    void messagesWithinTheLimitsDecode() {
        // 3 properties of 4 + 2 (name) + 1 + 4 + 10 (string value) = 21 bytes each
        WireMessage m = WireMessageCodec.decode(withProperties(3, 10), new PropertyLimits(3, 63));
        assertEquals(3, m.getProperties().size());
    }

    @Test
    void tooManyPropertiesAreRefusedNamingTheLimit() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> WireMessageCodec.decode(withProperties(4, 1), new PropertyLimits(3, 1 << 20)));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.errorCode());
        assertEquals("message with 4 properties exceeds maxPropertyCount 3", e.getMessage());
    }

    @Test
    void propertiesTooLargeAreRefusedNamingTheLimit() {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> WireMessageCodec.decode(withProperties(3, 10), new PropertyLimits(100, 62)));
        assertEquals(ErrorCode.LIMIT_EXCEEDED, e.errorCode());
        assertEquals("message properties of at least 63 bytes exceed maxPropertiesSize 62", e.getMessage());
    }

    @Test
    void negativeLimitsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PropertyLimits(-1, 0));
    }
}
