package io.keelmq.jms.provider;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.JMSException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Timeouts without a timer task per request: each request still ends once, by answer, timeout or failure. */
class RequestTrackerTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final RequestTracker tracker = new RequestTracker(timer);

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    /** Records the outcome of one request. */
    private static final class Outcome implements RequestTracker.Handler {
        final BlockingQueue<Object> ended = new LinkedBlockingQueue<>();

        @Override
        public void onAnswer(Frame answer) {
            ended.add(answer);
        }

        @Override
        public void onFailure(JMSException failure) {
            ended.add(failure);
        }
    }

    private long register(long timeoutMillis, Outcome outcome) {
        long id = tracker.nextId();
        tracker.register(id, RequestCode.SEND, timeoutMillis, outcome, false);
        return id;
    }

    private boolean answer(long id) {
        return tracker.answer(Frame.responseTo(Frame.request(RequestCode.SEND, id, null, null), null, null));
    }

    @Test
    void requestsNobodyAwaitsAreCountedUntilAnsweredOrFailed() throws Exception {
        long awaited = tracker.nextId();
        tracker.register(awaited, RequestCode.ACK, 0, new Outcome(), true);
        assertEquals(0, tracker.unawaited(), "a caller waits for this one");
        long pull = register(0, new Outcome());
        // Long enough to be still due below on a loaded machine, short enough to time out within the wait.
        long send = register(2000, new Outcome());
        assertEquals(2, tracker.unawaited());
        assertTrue(answer(pull));
        assertTrue(answer(awaited));
        assertEquals(1, tracker.unawaited(), "the asynchronous send is still due");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tracker.unawaited() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(0, tracker.unawaited(), "a timed-out request is no longer due: " + send);
    }

    @Test
    void aShorterTimeoutRegisteredAfterALongerOneStillFires() throws Exception {
        Outcome slow = new Outcome();
        Outcome fast = new Outcome();
        long slowId = register(600_000, slow);
        register(20, fast);
        Object failure = fast.ended.poll(10, TimeUnit.SECONDS);
        assertInstanceOf(RequestTimeoutException.class, failure);
        assertTrue(((JMSException) failure).getMessage().contains("SEND got no answer within 20 ms"));
        assertNull(slow.ended.poll());
        assertTrue(answer(slowId));
        assertInstanceOf(Frame.class, slow.ended.poll());
    }

    @Test
    void answeredRequestsDoNotTimeOutAndTheUnansweredOnesDo() throws Exception {
        Outcome answered = new Outcome();
        for (int i = 0; i < 100; i++) {
            // Answered at once; the bound only has to outlast a loaded machine's pause between the two calls.
            assertTrue(answer(register(10_000, answered)));
        }
        Outcome first = new Outcome();
        Outcome second = new Outcome();
        long firstId = register(30, first);
        register(60, second);
        assertInstanceOf(RequestTimeoutException.class, first.ended.poll(10, TimeUnit.SECONDS));
        // The check that failed the first schedules the next for the second.
        assertInstanceOf(RequestTimeoutException.class, second.ended.poll(10, TimeUnit.SECONDS));
        assertEquals(100, answered.ended.size());
        answered.ended.forEach(o -> assertInstanceOf(Frame.class, o));
        assertTrue(!answer(firstId), "a late answer finds nothing");
        assertNull(first.ended.poll());
    }

    @Test
    void aRequestWithoutTimeoutWaitsUntilTheConnectionFails() throws Exception {
        Outcome outcome = new Outcome();
        register(0, outcome);
        Outcome timed = new Outcome();
        register(10, timed);
        assertNotNull(timed.ended.poll(10, TimeUnit.SECONDS));
        assertNull(outcome.ended.poll());
        ConnectionFailedException lost = new ConnectionFailedException("lost", null);
        tracker.failAll(lost);
        assertEquals(lost, outcome.ended.poll());
    }

    @Test
    void aQuietRequestIsPendingButNotExpectedUntilMarkedAgainOrEnded() {
        long pull = register(0, new Outcome());
        long send = register(0, new Outcome());
        tracker.setQuiet(pull, true);
        tracker.setQuiet(pull, true);
        assertEquals(1, tracker.unawaited(), "marked quiet twice counts once; the send is still expected");
        Frame partial = Frame.responseTo(Frame.request(RequestCode.PULL, pull, null, null), java.util.Map.of("more",
                "true"), null);
        assertTrue(tracker.answer(partial), "a partial answer finds the request");
        assertEquals(1, tracker.unawaited(), "and leaves it pending and quiet");
        tracker.setQuiet(pull, false);
        assertEquals(2, tracker.unawaited());
        tracker.setQuiet(pull, true);
        assertTrue(answer(pull));
        assertEquals(1, tracker.unawaited(), "the quiet mark left with the request");
        tracker.setQuiet(pull, false);
        tracker.setQuiet(pull, true);
        assertEquals(1, tracker.unawaited(), "an ended request is not marked");
        long awaited = tracker.nextId();
        tracker.register(awaited, RequestCode.ACK, 0, new Outcome(), true);
        tracker.setQuiet(awaited, true);
        assertEquals(1, tracker.unawaited(), "an awaited request is never counted");
        assertTrue(answer(send));
        assertEquals(0, tracker.unawaited());
    }
}
