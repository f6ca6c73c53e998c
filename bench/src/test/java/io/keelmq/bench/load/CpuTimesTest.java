package io.keelmq.bench.load;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuTimesTest {

    @Test
    void readsProcStatsCpuLineAndSharesAnIntervalOutByKind() {
        // user nice system idle iowait irq softirq steal guest guest_nice
        CpuTimes before = CpuTimes.parse("cpu  1000 0 500 8000 100 0 50 200 0 0").orElseThrow();
        CpuTimes after = CpuTimes.parse("cpu  1300 10 600 8300 150 5 55 380 0 0").orElseThrow();
        CpuTimes.CpuShare share = after.shareSince(before);
        // busy 300+10+100+5+5 = 420, idle 300, iowait 50, steal 180: 950 ticks
        assertEquals(100.0 * 420 / 950, share.busyPercent(), 1e-9);
        assertEquals(100.0 * 300 / 950, share.idlePercent(), 1e-9);
        assertEquals(100.0 * 50 / 950, share.iowaitPercent(), 1e-9);
        assertEquals(100.0 * 180 / 950, share.stealPercent(), 1e-9);
        assertEquals("cpu busy 44% steal 19%", share.toString());
    }

    @Test
    void anythingButTheCpuLineIsNoReading() {
        assertTrue(CpuTimes.parse("cpu0 1 2 3 4 5 6 7 8").isEmpty());
        assertTrue(CpuTimes.parse("cpu 1 2 3").isEmpty());
        CpuTimes same = CpuTimes.parse("cpu 1 2 3 4 5 6 7 8").orElseThrow();
        assertNull(same.shareSince(same), "no time passed");
    }
}
