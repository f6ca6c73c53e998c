package io.keelmq.server.security;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FailedLoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };
    private final FailedLoginThrottle throttle = new FailedLoginThrottle(clock);

    @Test
    void firstFiveFailuresAreFreeThenDelayDoublesUpToTheCap() {
        for (int i = 0; i < 5; i++) {
            assertEquals(0, throttle.failed("10.0.0.1"));
        }
        assertEquals(250, throttle.failed("10.0.0.1"));
        assertEquals(500, throttle.failed("10.0.0.1"));
        assertEquals(1_000, throttle.failed("10.0.0.1"));
        assertEquals(2_000, throttle.failed("10.0.0.1"));
        assertEquals(4_000, throttle.failed("10.0.0.1"));
        assertEquals(4_000, throttle.failed("10.0.0.1"));
        for (int i = 0; i < 200; i++) {
            assertEquals(4_000, throttle.failed("10.0.0.1"));
        }
        assertEquals(0, throttle.failed("10.0.0.2"), "other addresses are not affected");
    }

    @Test
    void failuresOlderThanTheWindowAreForgotten() {
        for (int i = 0; i < 5; i++) {
            throttle.failed("10.0.0.1");
            now.addAndGet(1_000);
        }
        assertEquals(250, throttle.failed("10.0.0.1"));
        now.addAndGet(60_000);
        assertEquals(0, throttle.recentFailures("10.0.0.1"));
        assertEquals(0, throttle.failed("10.0.0.1"));
    }

    @Test
    void successForgetsTheAddressFailures() {
        for (int i = 0; i < 6; i++) {
            throttle.failed("10.0.0.1");
        }
        throttle.succeeded("10.0.0.1");
        assertEquals(0, throttle.failed("10.0.0.1"));
    }
}
