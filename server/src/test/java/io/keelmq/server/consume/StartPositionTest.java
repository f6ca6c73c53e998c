package io.keelmq.server.consume;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.server.errors.RequestException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** CREATE_CONSUMER's consumeFromWhere and consumeTimestamp headers. */
class StartPositionTest {
    private static final long NOW = 1_800_000_000_000L;

    @Test
    void parsesEachPlaceAndDefaultsToTheEnd() {
        assertEquals(StartPosition.LAST, StartPosition.parse(null, null, NOW));
        assertEquals(StartPosition.LAST, StartPosition.parse("CONSUME_FROM_LAST_OFFSET", "5", NOW));
        assertEquals(StartPosition.FIRST, StartPosition.parse("CONSUME_FROM_FIRST_OFFSET", null, NOW));
        assertEquals(StartPosition.at(1234), StartPosition.parse("CONSUME_FROM_TIMESTAMP", "1234", NOW));
        // RocketMQ's default consumeTimestamp: half an hour back.
        assertEquals(StartPosition.at(NOW - 30 * 60_000L), StartPosition.parse("CONSUME_FROM_TIMESTAMP", null, NOW));
    }

    @Test
    void badValuesAreNamed() {
        RequestException where = assertThrows(RequestException.class,
                () -> StartPosition.parse("CONSUME_FROM_MIDDLE", null, NOW));
        assertEquals(ErrorCode.ILLEGAL_STATE, where.errorCode());
        assertEquals("unknown consumeFromWhere 'CONSUME_FROM_MIDDLE' (known: [CONSUME_FROM_LAST_OFFSET, "
                + "CONSUME_FROM_FIRST_OFFSET, CONSUME_FROM_TIMESTAMP])", where.getMessage());
        RequestException time = assertThrows(RequestException.class,
                () -> StartPosition.parse("CONSUME_FROM_TIMESTAMP", "noon", NOW));
        assertEquals("consumeTimestamp 'noon' is not epoch milliseconds", time.getMessage());
    }
}
