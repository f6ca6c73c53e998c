package io.keelmq.bench.load;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleAndQuotaTest {
    @Test
    void producersInterleaveEvenlyOnTheSharedRate() {
        // 4 producers sharing 1000 msgs/s: together one message every millisecond.
        List<Long> due = new ArrayList<>();
        List<Schedule> schedules = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            schedules.add(new Schedule(1000, 4, i, 0));
        }
        for (int round = 0; round < 3; round++) {
            for (Schedule schedule : schedules) {
                due.add(schedule.next());
            }
        }
        for (int i = 0; i < due.size(); i++) {
            assertEquals(i * 1_000_000L, due.get(i), "message " + i);
        }
    }

    @Test
    void dueTimesDoNotMoveWhenTheProducerIsLate() {
        // Coordinated-omission correction: a late producer keeps its schedule, it does not restart it.
        Schedule schedule = new Schedule(100, 1, 0, 0);
        assertEquals(0, schedule.next());
        assertEquals(10_000_000L, schedule.next());
        assertEquals(20_000_000L, schedule.next());
    }

    @Test
    void aCountQuotaHandsOutExactlyItsCountAcrossThreads() throws InterruptedException {
        Quota quota = Quota.count(10_000);
        quota.start(System.nanoTime());
        AtomicLong taken = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread thread = new Thread(() -> {
                while (quota.take()) {
                    taken.incrementAndGet();
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(10_000, taken.get());
        assertEquals(10_000, quota.fixedCount());
    }

    @Test
    void aDurationQuotaEndsAtItsDeadline() {
        Quota quota = Quota.duration(Duration.ofMillis(50));
        quota.start(System.nanoTime());
        assertTrue(quota.take());
        assertEquals(-1, quota.fixedCount());
        Schedule.waitUntil(System.nanoTime() + 60_000_000L);
        assertFalse(quota.take());
    }
}
