package io.keelmq.jms.provider;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.JMSException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches answers to requests by correlation id and fails requests whose answer does not come in time.
 *
 * <p>Each request ends exactly once: with its answer, its error, its timeout or the connection's failure, whichever
 * removes it from the map first. An answer arriving after the timeout finds nothing and is dropped.
 *
 * <p>Timeouts are not a timer task per request: scheduling and cancelling one per request took the shared timer's
 * lock twice per request, from every sending thread and every transport thread. Each request records its deadline,
 * and one check per tracker is scheduled for the earliest deadline; it fails what has expired and schedules itself
 * for the next. As requests mostly end long before their deadline, that is about one timer task per timeout period.
 */
final class RequestTracker {
    private static final System.Logger LOG = System.getLogger(RequestTracker.class.getName());
    private static final long NO_CHECK = Long.MAX_VALUE;
    /** The header of a partial answer: more answers to the same request follow. */
    private static final String MORE = "more";

    /** What to do with the outcome of one request; called on the transport or timer thread. */
    interface Handler {
        /**
         * A partial answer (header {@code more}): the request stays pending. Only a standing PULL has them; any other
         * request's handler takes one for a broker's mistake and ignores it.
         */
        default void onPartial(Frame answer) throws JMSException {
            LOG.log(System.Logger.Level.WARNING, "ignoring a partial answer to a request that has none: " + answer);
        }

        void onAnswer(Frame answer) throws JMSException;

        void onFailure(JMSException failure);
    }

    /** {@link Pending#state}: an answer may come now, none can come yet, or the request has ended. */
    private static final int EXPECTED = 0;
    private static final int QUIET = 1;
    private static final int ENDED = 2;

    /**
     * @param deadlineNanos {@link System#nanoTime()} by which the answer is due; unused if timeoutMillis is 0
     * @param awaited       a caller waits for the answer in {@code FrameChannel.await}
     * @param state         {@link #EXPECTED}, {@link #QUIET} or {@link #ENDED}; only unawaited requests turn quiet
     */
    private record Pending(RequestCode code, Handler handler, long timeoutMillis, long deadlineNanos, boolean awaited,
                           AtomicInteger state) {
    }

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    /** Pending requests no caller awaits (pulls, asynchronous sends): their answers come when nobody asks. */
    private final AtomicInteger unawaited = new AtomicInteger();
    /** Those of {@link #unawaited} marked quiet: the broker can send them nothing now (see {@link #setQuiet}). */
    private final AtomicInteger quiet = new AtomicInteger();
    private final AtomicLong correlationIds = new AtomicLong();
    /** The deadline a check is scheduled for ({@link #NO_CHECK}: none); a check covers every later deadline. */
    private final AtomicLong nextCheckNanos = new AtomicLong(NO_CHECK);
    private final ScheduledExecutorService timer;

    RequestTracker(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** A fresh correlation id (also used for oneway frames, which are never answered). */
    long nextId() {
        return correlationIds.incrementAndGet();
    }

    /** Registers a request before it is written, so even an immediate answer finds it. */
    void register(long id, RequestCode code, long timeoutMillis, Handler handler, boolean awaited) {
        if (!awaited) {
            unawaited.incrementAndGet();
        }
        if (timeoutMillis <= 0) {
            pending.put(id, new Pending(code, handler, 0, 0, awaited, new AtomicInteger(EXPECTED)));
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        // In the map before the check is looked at: a check that starts later sees this request.
        pending.put(id, new Pending(code, handler, timeoutMillis, deadline, awaited, new AtomicInteger(EXPECTED)));
        if (!checkBy(deadline)) {
            fail(id, new ConnectionFailedException("the connection is closed", null));
        }
    }

    /** Makes sure a check runs no later than {@code deadline}; false if the timer refuses. */
    private boolean checkBy(long deadline) {
        while (true) {
            long scheduled = nextCheckNanos.get();
            // Compared as nanoTime values: by difference, not by order.
            if (scheduled != NO_CHECK && scheduled - deadline <= 0) {
                return true;
            }
            if (nextCheckNanos.compareAndSet(scheduled, deadline)) {
                try {
                    timer.schedule(() -> expire(deadline), Math.max(0, deadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                    return true;
                } catch (RejectedExecutionException e) {
                    nextCheckNanos.compareAndSet(deadline, NO_CHECK);
                    return false;
                }
            }
        }
    }

    /** The check scheduled for {@code scheduledFor}: fails expired requests, then schedules the next check. */
    private void expire(long scheduledFor) {
        // Cleared before scanning: a request registered from here on schedules its own check or is seen below.
        nextCheckNanos.compareAndSet(scheduledFor, NO_CHECK);
        long now = System.nanoTime();
        long earliest = 0;
        boolean any = false;
        for (Map.Entry<Long, Pending> entry : pending.entrySet()) {
            Pending p = entry.getValue();
            if (p.timeoutMillis <= 0) {
                continue;
            }
            if (p.deadlineNanos - now <= 0) {
                fail(entry.getKey(), new RequestTimeoutException(p.code + " got no answer within "
                        + p.timeoutMillis + " ms"));
            } else if (!any || p.deadlineNanos - earliest < 0) {
                earliest = p.deadlineNanos;
                any = true;
            }
        }
        if (any) {
            checkBy(earliest);
        }
    }

    /**
     * Pending requests whose answers no caller awaits and may come now: the transport keeps reading for them. A
     * standing pull whose window is used up is pending yet quiet; were it counted, every caller's own answer would be
     * read by the reader thread and handed over with a wake-up for as long as the pull stands.
     */
    int unawaited() {
        return unawaited.get() - quiet.get();
    }

    /**
     * Marks an unawaited pending request quiet (the broker can send it nothing until the client widens its window) or
     * expected again; nothing if it has ended or a caller awaits it. Safe against the request ending meanwhile: the
     * state a request ends in is looked at once, by {@link #remove}.
     */
    void setQuiet(long id, boolean isQuiet) {
        Pending p = pending.get(id);
        if (p == null || p.awaited) {
            return;
        }
        int target = isQuiet ? QUIET : EXPECTED;
        while (true) {
            int state = p.state.get();
            if (state == ENDED || state == target) {
                return;
            }
            if (p.state.compareAndSet(state, target)) {
                if (isQuiet) {
                    quiet.incrementAndGet();
                } else {
                    quiet.decrementAndGet();
                }
                return;
            }
        }
    }

    private Pending remove(long id) {
        Pending p = pending.remove(id);
        if (p != null && !p.awaited) {
            if (p.state.getAndSet(ENDED) == QUIET) {
                quiet.decrementAndGet();
            }
            unawaited.decrementAndGet();
        }
        return p;
    }

    /** Ends a request with an answer frame; false if nothing waited for it (late answer after a timeout). */
    boolean answer(Frame frame) {
        boolean partial = !frame.isError() && frame.header(MORE) != null;
        Pending p = partial ? pending.get(frame.correlationId()) : remove(frame.correlationId());
        if (p == null) {
            return false;
        }
        try {
            if (frame.isError()) {
                p.handler.onFailure(errorOf(p.code, frame));
            } else if (partial) {
                p.handler.onPartial(frame);
            } else {
                p.handler.onAnswer(frame);
            }
        } catch (JMSException e) {
            p.handler.onFailure(e);
        } catch (ProtocolException e) {
            JMSException failure = new JMSException("the broker's answer to " + p.code + " is malformed: "
                    + e.getMessage(), ErrorCode.MALFORMED_FRAME.name());
            failure.initCause(e);
            p.handler.onFailure(failure);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "handling the answer to " + p.code + " failed", e);
        }
        return true;
    }

    /** Ends one request with a failure (write failed, timed out). */
    void fail(long id, JMSException failure) {
        Pending p = remove(id);
        if (p != null) {
            p.handler.onFailure(failure);
        }
    }

    /** Ends every outstanding request: the connection is gone. */
    void failAll(JMSException failure) {
        List<Long> ids = new ArrayList<>(pending.keySet());
        for (Long id : ids) {
            fail(id, failure);
        }
    }

    private static JMSException errorOf(RequestCode code, Frame frame) {
        ErrorCode error;
        try {
            error = frame.errorCode();
        } catch (ProtocolException e) {
            return new JMSException(code + " failed with an unreadable error: " + e.getMessage(),
                    ErrorCode.MALFORMED_FRAME.name());
        }
        return ErrorMapping.toException(code, error, frame.errorMessage());
    }
}
