package io.keelmq.server.connection;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialExecutorTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void anIdleExecutorRunsTheTaskOnTheCaller() {
        SerialExecutor executor = new SerialExecutor(pool);
        Thread[] ranOn = new Thread[1];
        executor.executeHereIfIdle(() -> ranOn[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ranOn[0]);
        assertEquals(0, executor.queued());
    }

    @Test
    void aTaskArrivingWhileAnotherRunsQueuesBehindItInOrder() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        executor.execute(() -> {
            running.countDown();
            await(release);
            order.add("first");
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        Thread[] secondOn = new Thread[1];
        CountDownLatch done = new CountDownLatch(1);
        executor.executeHereIfIdle(() -> {
            order.add("second");
            secondOn[0] = Thread.currentThread();
        });
        executor.executeHereIfIdle(() -> {
            order.add("third");
            done.countDown();
        });
        assertEquals(List.of(), order, "nothing ran on the caller while the first task held the turn");
        assertEquals(2, executor.queued());
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("first", "second", "third"), order);
        assertNotEquals(Thread.currentThread(), secondOn[0]);
        assertEquals(0, executor.queued());
    }

    @Test
    void tasksQueuedDuringAnInlineRunGoToThePoolAfterIt() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        executor.executeHereIfIdle(() -> {
            executor.execute(() -> {
                order.add("queued");
                done.countDown();
            });
            sleep(50);   // the pool could take the queued task now if the turn were not held
            order.add("inline");
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("inline", "queued"), order);
    }

    @Test
    void inlineAndPooledTasksNeverOverlap() throws Exception {
        SerialExecutor executor = new SerialExecutor(pool);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        int perThread = 20_000;
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        Runnable[] producers = new Runnable[2];
        for (int p = 0; p < producers.length; p++) {
            int producer = p;
            producers[p] = () -> {
                for (int i = 0; i < perThread; i++) {
                    int value = producer * perThread + i;
                    Runnable task = () -> {
                        if (inside.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        seen.add(value);
                        inside.decrementAndGet();
                    };
                    if (i % 2 == 0) {
                        executor.executeHereIfIdle(task);
                    } else {
                        executor.execute(task);
                    }
                }
            };
        }
        Thread a = new Thread(producers[0]);
        Thread b = new Thread(producers[1]);
        a.start();
        b.start();
        a.join();
        b.join();
        CountDownLatch drained = new CountDownLatch(1);
        executor.execute(drained::countDown);
        assertTrue(drained.await(10, TimeUnit.SECONDS));
        assertEquals(0, overlaps.get());
        assertEquals(2 * perThread, seen.size());
        // Each submitting thread's tasks ran in the order it submitted them.
        int lastA = -1;
        int lastB = -1;
        for (int value : new ArrayList<>(seen)) {
            if (value < perThread) {
                assertTrue(value > lastA, "out of order: " + value + " after " + lastA);
                lastA = value;
            } else {
                assertTrue(value > lastB, "out of order: " + value + " after " + lastB);
                lastB = value;
            }
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
