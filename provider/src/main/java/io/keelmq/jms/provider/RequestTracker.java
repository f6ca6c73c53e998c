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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Matches answers to requests by correlation id and fails requests whose answer does not come in time.
 *
 * <p>Each request ends exactly once: with its answer, its error, its timeout or the connection's failure, whichever
 * removes it from the map first. An answer arriving after the timeout finds nothing and is dropped.
 */
final class RequestTracker {
    private static final System.Logger LOG = System.getLogger(RequestTracker.class.getName());

    /** What to do with the outcome of one request; called on the transport or timer thread. */
    interface Handler {
        void onAnswer(Frame answer) throws JMSException;

        void onFailure(JMSException failure);
    }

    private record Pending(RequestCode code, Handler handler, ScheduledFuture<?> timeout) {
    }

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong correlationIds = new AtomicLong();
    private final ScheduledExecutorService timer;

    RequestTracker(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** A fresh correlation id (also used for oneway frames, which are never answered). */
    long nextId() {
        return correlationIds.incrementAndGet();
    }

    /** Registers a request before it is written, so even an immediate answer finds it. */
    void register(long id, RequestCode code, long timeoutMillis, Handler handler) {
        ScheduledFuture<?> timeout = null;
        if (timeoutMillis > 0) {
            try {
                timeout = timer.schedule(() -> fail(id, new RequestTimeoutException(code + " got no answer within "
                        + timeoutMillis + " ms")), timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                handler.onFailure(new ConnectionFailedException("the connection is closed", null));
                return;
            }
        }
        pending.put(id, new Pending(code, handler, timeout));
    }

    /** Ends a request with an answer frame; false if nothing waited for it (late answer after a timeout). */
    boolean answer(Frame frame) {
        Pending p = pending.remove(frame.correlationId());
        if (p == null) {
            return false;
        }
        cancelTimeout(p);
        try {
            if (frame.isError()) {
                p.handler.onFailure(errorOf(p.code, frame));
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
        Pending p = pending.remove(id);
        if (p != null) {
            cancelTimeout(p);
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

    private static void cancelTimeout(Pending p) {
        if (p.timeout != null) {
            p.timeout.cancel(false);
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
