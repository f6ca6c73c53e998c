package io.keelmq.jms.provider;

import io.keelmq.jms.transport.Transport;
import io.keelmq.jms.transport.TransportListener;
import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import jakarta.jms.JMSException;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Requests and answers over one {@link Transport}: correlation and timeouts ({@link RequestTracker}), heartbeats
 * ({@link HeartbeatMonitor}), the broker's own requests (HEARTBEAT, the unsolicited connection error), and the
 * connection's end, reported once to the {@link ProviderListener} unless the client closed it.
 */
final class FrameChannel implements TransportListener {
    private static final System.Logger LOG = System.getLogger(FrameChannel.class.getName());

    private final Transport transport;
    private final ScheduledExecutorService timer;
    private final RequestTracker tracker;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean timerReleased = new AtomicBoolean();
    private volatile JMSException failure;
    private volatile ProviderListener listener;
    private volatile HeartbeatMonitor heartbeats;
    private volatile long lastSentNanos = System.nanoTime();
    private volatile long lastReceivedNanos = System.nanoTime();

    FrameChannel(Transport transport) {
        this.transport = transport;
        this.timer = SharedTimer.acquire();
        this.tracker = new RequestTracker(timer);
    }

    void open(ProviderListener providerListener) throws JMSException {
        this.listener = providerListener;
        try {
            transport.connect(this);
        } catch (IOException e) {
            end();
            throw new ConnectionFailedException("could not connect to " + transport.describe() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Starts the heartbeat rule with the interval agreed at handshake. */
    void startHeartbeats(long intervalMillis) {
        HeartbeatMonitor monitor = new HeartbeatMonitor(intervalMillis, () -> lastSentNanos,
                () -> lastReceivedNanos, () -> sendOneway(RequestCode.HEARTBEAT, null, null),
                reason -> connectionLost(new ConnectionFailedException("connection to " + transport.describe()
                        + " lost: " + reason, null)));
        heartbeats = monitor;
        monitor.start(timer);
    }

    boolean isEnded() {
        return ended.get();
    }

    /** A request whose answer the caller waits for; the answer, or the exception its error maps to. */
    Frame call(RequestCode code, Map<String, String> headers, byte[] body, long timeoutMillis) throws JMSException {
        return await(answer(code, headers, body, timeoutMillis, true));
    }

    /**
     * A request whose answer completes the returned future (exceptionally with the exception its error maps to).
     *
     * @param awaited as for {@link #request}: whether a caller will wait for it in {@link #await}
     */
    CompletableFuture<Frame> answer(RequestCode code, Map<String, String> headers, byte[] body, long timeoutMillis,
                                    boolean awaited) {
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        request(code, headers, body, timeoutMillis, awaited, new RequestTracker.Handler() {
            @Override
            public void onAnswer(Frame frame) {
                answer.complete(frame);
            }

            @Override
            public void onFailure(JMSException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer;
    }

    /**
     * A request whose outcome goes to {@code handler} on the thread reading the connection (or the timer's, on
     * timeout).
     *
     * @param awaited a caller will wait for the outcome in {@link #await}; if not, the transport is told that an
     *                answer nobody waits for is due, so that it keeps reading
     * @return the request's correlation id (for {@link #expectAnswers}); 0 if it failed at once
     */
    long request(RequestCode code, Map<String, String> headers, byte[] body, long timeoutMillis, boolean awaited,
                 RequestTracker.Handler handler) {
        if (ended.get()) {
            handler.onFailure(endedException());
            return 0;
        }
        long id = tracker.nextId();
        tracker.register(id, code, timeoutMillis, handler, awaited);
        if (ended.get()) {
            // Lost while registering: failAll may have run before this request was in the map.
            tracker.fail(id, endedException());
            return 0;
        }
        write(Frame.request(code, id, headers, body)).whenComplete((v, e) -> {
            if (e != null) {
                tracker.fail(id, writeFailure(code, e));
            }
        });
        if (!awaited) {
            transport.framesExpected();
        }
        return id;
    }

    /**
     * Whether the broker may answer the pending unawaited request {@code id} now. A standing pull whose window is used
     * up expects nothing until a CREDIT widens it; marked so, it no longer keeps the transport's reader thread reading
     * (see {@link #expectsUnawaitedFrames}). Expected again before the CREDIT leaves, so the reading is ready for it.
     */
    void expectAnswers(long id, boolean expected) {
        tracker.setQuiet(id, !expected);
        if (expected) {
            transport.framesExpected();
        }
    }

    /** A frame nobody answers; completes once written. */
    CompletableFuture<Void> sendOneway(RequestCode code, Map<String, String> headers, byte[] body) {
        if (ended.get()) {
            return CompletableFuture.failedFuture(endedException());
        }
        return write(Frame.oneway(code, tracker.nextId(), headers, body)).handle((v, e) -> {
            if (e != null) {
                throw new CompletionException(writeFailure(code, e));
            }
            return null;
        });
    }

    private CompletableFuture<Void> write(Frame frame) {
        lastSentNanos = System.nanoTime();
        return transport.send(frame);
    }

    /** Sends CLOSE unless the connection already ended, then drops the connection. Idempotent. */
    void close(long timeoutMillis) {
        if (!closeStarted.compareAndSet(false, true)) {
            return;
        }
        if (!ended.get()) {
            try {
                call(RequestCode.CLOSE, null, null, timeoutMillis);
            } catch (JMSException e) {
                LOG.log(System.Logger.Level.DEBUG, "CLOSE was not answered cleanly: " + e.getMessage());
            }
        }
        ended.set(true);
        tracker.failAll(new ConnectionFailedException("the connection to " + transport.describe() + " was closed",
                null));
        end();
    }

    // ---------------------------------------------------------------- incoming

    @Override
    public void onFrame(Frame frame) {
        lastReceivedNanos = System.nanoTime();
        if (frame.isResponse()) {
            if (!tracker.answer(frame)) {
                LOG.log(System.Logger.Level.DEBUG, "dropped an answer nobody waits for (timed out): " + frame);
            }
            return;
        }
        RequestCode code;
        try {
            code = frame.requestCode();
        } catch (ProtocolException e) {
            answerError(frame, ErrorCode.UNKNOWN_REQUEST, e.getMessage());
            return;
        }
        if (frame.isError() && code == RequestCode.CLOSE) {
            connectionLost(ErrorMapping.toException(null, errorCodeOf(frame), "the broker closed the connection: "
                    + frame.errorMessage()));
        } else if (code == RequestCode.HEARTBEAT) {
            if (!frame.isOneway()) {
                write(Frame.responseTo(frame, null, null));
            }
        } else if (code == RequestCode.CHECK_TRANSACTION && listener != null) {
            try {
                listener.onTransactionCheck(new TransactionCheck(Headers.required(frame, "transactionId"),
                        Headers.required(frame, "producerGroup"), Headers.requiredInt(frame, "checkTimes"),
                        frame.body()));
            } catch (JMSException e) {
                LOG.log(System.Logger.Level.WARNING, "ignored a malformed CHECK_TRANSACTION: " + e.getMessage());
            }
        } else {
            answerError(frame, ErrorCode.UNKNOWN_REQUEST, "a client does not serve " + code);
        }
    }

    @Override
    public void onClosed(Throwable cause) {
        connectionLost(new ConnectionFailedException("connection to " + transport.describe() + " lost: "
                + cause.getMessage(), cause));
    }

    private void connectionLost(JMSException cause) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        failure = cause;
        tracker.failAll(cause);
        end();
        ProviderListener l = listener;
        // A broker dropping the connection after answering CLOSE is the normal end, not a failure to report.
        if (l != null && !closeStarted.get()) {
            l.onConnectionFailure(cause);
        }
    }

    private void answerError(Frame request, ErrorCode code, String message) {
        if (!request.isOneway()) {
            write(Frame.errorResponse(request, code, message));
        }
    }

    // ---------------------------------------------------------------- failures

    private JMSException writeFailure(RequestCode code, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof JMSException jms) {
            return jms;
        }
        ProtocolException limit = ProtocolException.findIn(cause);
        if (limit != null) {
            // The frame exceeds the broker's frame limits; the message says which (e.g. maxFrameSize).
            return new JMSException(code + " not sent: " + limit.getMessage(), limit.errorCode().name());
        }
        return new ConnectionFailedException(code + " could not be written to " + transport.describe() + ": "
                + cause.getMessage(), cause);
    }

    private JMSException endedException() {
        JMSException f = failure;
        return f != null
                ? new ConnectionFailedException("the connection to " + transport.describe() + " was lost: "
                        + f.getMessage(), f)
                : new ConnectionFailedException("the connection to " + transport.describe() + " is closed", null);
    }

    /** Stops heartbeats and timers and drops the transport; the connection is over. */
    void end() {
        ended.set(true);
        HeartbeatMonitor monitor = heartbeats;
        if (monitor != null) {
            monitor.stop();
        }
        transport.close();
        // The timer is shared: fail (and so cancel the timeouts of) what is still pending instead.
        tracker.failAll(endedException());
        if (timerReleased.compareAndSet(false, true)) {
            SharedTimer.release(timer);
        }
    }

    /** Answers whether frames may come that no caller in {@link #await} waits for (see the transport's reading). */
    @Override
    public boolean expectsUnawaitedFrames() {
        return tracker.unawaited() > 0;
    }

    /** Waits for an answer (through the transport, which may read it on this thread); its value or its exception. */
    <T> T await(CompletableFuture<T> future) throws JMSException {
        try {
            transport.awaitDone(future);
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            JMSException interrupted = new JMSException("interrupted while waiting for the broker's answer");
            interrupted.initCause(e);
            throw interrupted;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause();
            if (cause instanceof JMSException jms) {
                throw jms;
            }
            JMSException unexpected = new JMSException("request failed: " + cause);
            unexpected.initCause(cause);
            throw unexpected;
        }
    }

    private static ErrorCode errorCodeOf(Frame frame) {
        try {
            return frame.errorCode();
        } catch (ProtocolException e) {
            return ErrorCode.MALFORMED_FRAME;
        }
    }
}
