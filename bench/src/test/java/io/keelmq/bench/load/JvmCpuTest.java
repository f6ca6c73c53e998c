package io.keelmq.bench.load;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JvmCpuTest {

    @Test
    void readsUserAndSystemTicksFromProcPidStatEvenWithSpacesInTheCommand() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        JvmCpu before = JvmCpu.parse("4242 (java main) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 120 0 0 20 0")
                .orElseThrow();
        assertEquals(2500.0, before.userMillis(), 1e-9);
        assertEquals(1200.0, before.systemMillis(), 1e-9);
        JvmCpu after = JvmCpu.parse("4242 (java main) S 1 4242 4242 0 -1 4194560 100 0 0 0 650 320 0 0 20 0")
                .orElseThrow();
        JvmCpu perThousand = after.since(before).perThousand(200_000);
        assertEquals(20.0, perThousand.userMillis(), 1e-9);       // 4000 ms over 200 thousand messages
        assertEquals(10.0, perThousand.systemMillis(), 1e-9);
        assertEquals("30.0 (user 20.0 sys 10.0)", perThousand.toString());
    }

    @Test
    void aTruncatedLineIsNoReading() {
        assertTrue(JvmCpu.parse("4242 (java) S 1 2 3").isEmpty());
    }

    @Test
    void theBenchReadsItsOwnCpuTimeAndNeedsTheBrokersToo() {
        if (JvmCpu.self().isEmpty()) {
            return;                                  // not Linux: nothing to read
        }
        CpuPerMessage.Probe withBroker = CpuPerMessage.start(OptionalLong.of(ProcessHandle.current().pid()));
        assertNotNull(withBroker.per(1000), "both JVMs readable");
        assertNull(CpuPerMessage.start(OptionalLong.empty()).per(1000), "the broker's process is unknown");
        assertNull(withBroker.per(0), "no messages moved");
    }
}
