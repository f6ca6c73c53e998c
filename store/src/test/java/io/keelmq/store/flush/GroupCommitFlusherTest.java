package io.keelmq.store.flush;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit when callers force for themselves (a network I/O thread after its read batch). */
class GroupCommitFlusherTest {
    private static final long LONG_TIMEOUT_MILLIS = TimeUnit.MINUTES.toMillis(1);

    /** The log's end as appends would move it; a force makes everything up to it durable. */
    private final AtomicLong written = new AtomicLong();
    private final AtomicInteger forces = new AtomicInteger();
    private final List<String> forcedOn = new CopyOnWriteArrayList<>();
    private volatile CountDownLatch forceGate = new CountDownLatch(0);
    private final CountDownLatch inForce = new CountDownLatch(1);
    private GroupCommitFlusher flusher;

    private long force() throws java.io.IOException {
        inForce.countDown();
        try {
            forceGate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
        forces.incrementAndGet();
        forcedOn.add(Thread.currentThread().getName());
        return written.get();
    }

    /** What happened, in order: the after-force step, each request's completion, the after-answers step. */
    private final List<String> steps = new CopyOnWriteArrayList<>();

    private GroupCommitFlusher start(long callerGraceMillis) {
        flusher = new GroupCommitFlusher(this::force, () -> steps.add("dispatched"), () -> steps.add("announced"),
                LONG_TIMEOUT_MILLIS, callerGraceMillis);
        flusher.start();
        return flusher;
    }

    @Test
    void eachForceDispatchesBeforeItsRequestsCompleteAndAnnouncesAfter() throws Exception {
        start(TimeUnit.MINUTES.toMillis(10));
        flusher.awaitDurableCommittedByCaller(written.addAndGet(100)).thenRun(() -> steps.add("first answered"));
        flusher.awaitDurableCommittedByCaller(written.addAndGet(100)).thenRun(() -> steps.add("second answered"));
        flusher.commitWaiting();
        // Sends are answered only once visible, and nothing a listener does on this thread delays their answers.
        assertEquals(List.of("dispatched", "first answered", "second answered", "announced"), steps);
    }

    @AfterEach
    void stop() throws InterruptedException {
        forceGate.countDown();
        if (flusher != null) {
            flusher.shutdown();
        }
    }

    @Test
    void aCallersRequestIsForcedByItsCallersCommitAndCompletedOnItsThread() throws Exception {
        start(TimeUnit.MINUTES.toMillis(10));
        CompletableFuture<Void> first = flusher.awaitDurableCommittedByCaller(written.addAndGet(100));
        CompletableFuture<Void> second = flusher.awaitDurableCommittedByCaller(written.addAndGet(100));
        List<String> completedOn = new CopyOnWriteArrayList<>();
        second.thenRun(() -> completedOn.add(Thread.currentThread().getName()));
        Thread.sleep(200);
        assertFalse(first.isDone() || second.isDone(), "the group-commit thread must not be woken for a caller's request");
        assertEquals(0, forces.get());

        flusher.commitWaiting();

        assertTrue(first.isDone() && second.isDone(), "the caller's commit completes its requests before returning");
        assertEquals(1, forces.get(), "one force for the whole batch");
        assertEquals(List.of(Thread.currentThread().getName()), forcedOn);
        assertEquals(List.of(Thread.currentThread().getName()), completedOn);
        flusher.commitWaiting();
        assertEquals(1, forces.get(), "nothing waiting: no force");
    }

    @Test
    void theThreadForcesACallersRequestWhoseCallerDidNotCommit() throws Exception {
        start(50);
        CompletableFuture<Void> forgotten = flusher.awaitDurableCommittedByCaller(written.addAndGet(100));
        forgotten.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("keel-store-group-commit"), forcedOn);
    }

    @Test
    void aRequestThatWantsTheThreadIsForcedWithoutAnyCallersCommit() throws Exception {
        start(TimeUnit.MINUTES.toMillis(10));
        CompletableFuture<Void> callers = flusher.awaitDurableCommittedByCaller(written.addAndGet(100));
        CompletableFuture<Void> threads = flusher.awaitDurable(written.addAndGet(100));
        threads.get(10, TimeUnit.SECONDS);
        assertTrue(callers.isDone(), "the thread's force takes every queued request, the caller's too");
        assertEquals(List.of("keel-store-group-commit"), forcedOn);
    }

    @Test
    void batchesCompleteInQueueOrderWhicheverThreadForces() throws Exception {
        start(TimeUnit.MINUTES.toMillis(10));
        forceGate = new CountDownLatch(1);
        List<String> completions = new CopyOnWriteArrayList<>();
        // The thread takes this one and is held in its force...
        flusher.awaitDurable(written.addAndGet(100)).thenRun(() -> completions.add("thread's"));
        assertTrue(inForce.await(10, TimeUnit.SECONDS));
        // ...while a caller queues another and commits: it must wait for the batch ahead of it.
        CompletableFuture<Void> callers = flusher.awaitDurableCommittedByCaller(written.addAndGet(100));
        callers.thenRun(() -> completions.add("caller's"));
        Thread caller = new Thread(flusher::commitWaiting, "caller");
        caller.start();
        Thread.sleep(100);
        assertTrue(completions.isEmpty());
        forceGate.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(10));
        callers.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("thread's", "caller's"), completions);
    }

    /** Each request that wants the thread must wake it, even one queued while the thread was taking a batch. */
    @Test
    void everyRequestThatWantsTheThreadIsForcedWithoutWaitingForTheIdleTimeout() throws Exception {
        start(TimeUnit.MINUTES.toMillis(10));
        List<Thread> appenders = new java.util.ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread appender = new Thread(() -> {
                try {
                    for (int i = 0; i < 300; i++) {
                        // The idle wait is a second: a lost wake-up shows as a request left waiting that long.
                        flusher.awaitDurable(written.addAndGet(10)).get(500, TimeUnit.MILLISECONDS);
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            appenders.add(appender);
            appender.start();
        }
        for (Thread appender : appenders) {
            appender.join(TimeUnit.SECONDS.toMillis(60));
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void shutdownWaitsForACallersCommitUnderWay() throws Exception {
        start(TimeUnit.MINUTES.toMillis(10));
        forceGate = new CountDownLatch(1);
        CompletableFuture<Void> callers = flusher.awaitDurableCommittedByCaller(written.addAndGet(100));
        Thread caller = new Thread(flusher::commitWaiting, "caller");
        caller.start();
        assertTrue(inForce.await(10, TimeUnit.SECONDS));
        Thread stopper = new Thread(() -> {
            try {
                flusher.shutdown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stopper");
        stopper.start();
        stopper.join(300);
        assertTrue(stopper.isAlive(), "the store must not close its files under a force in progress");
        forceGate.countDown();
        stopper.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(stopper.isAlive());
        assertTrue(callers.isDone() && !callers.isCompletedExceptionally());
        assertTrue(flusher.awaitDurableCommittedByCaller(written.addAndGet(100)).isCompletedExceptionally(),
                "nothing is queued once shut down");
        caller.join();
    }
}
