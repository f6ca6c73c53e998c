package io.keelmq.server.connection;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameBody;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.server.config.ConfigKeys;
import io.keelmq.server.consume.ConsumerState;
import io.keelmq.server.consume.SessionState;
import io.keelmq.server.destination.Destination;
import io.keelmq.server.errors.RequestException;
import io.keelmq.server.security.Authorizer;
import io.keelmq.server.security.Permission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One client connection, independent of its transport: TCP and in-VM connections are both
 * this class, so they go through exactly the same request handling. Requests run one at a
 * time in arrival order on the broker's worker pool ({@link SerialExecutor}); the state
 * below is changed only there, except for the flag that says the connection is closed.
 */
public final class Connection {
    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** REFUSED: the handshake failed and its answer is scheduled; every further frame is ignored. */
    enum State { AWAITING_HANDSHAKE, OPEN, REFUSED, CLOSED }

    private final String id;
    private final FrameOutput output;
    private final BrokerServices services;
    private final RequestRouter router;
    private final SerialExecutor executor;
    /** Requests queued on this connection beyond which a SEND arriving from the network is answered BUSY. */
    private final int sendQueueCapacity;
    private final Map<Long, SessionState> sessions = new ConcurrentHashMap<>();
    private final Map<Long, ConsumerState> consumers = new ConcurrentHashMap<>();
    private final Set<Destination> temporaries = ConcurrentHashMap.newKeySet();
    private volatile State state = State.AWAITING_HANDSHAKE;
    private volatile String clientId;
    private volatile String user;
    private boolean cleanedUp;

    Connection(String id, FrameOutput output, BrokerServices services, RequestRouter router) {
        this.id = id;
        this.output = output;
        this.services = services;
        this.router = router;
        this.executor = new SerialExecutor(services.workers());
        this.sendQueueCapacity = services.config().get(ConfigKeys.SEND_THREAD_POOL_QUEUE_CAPACITY);
    }

    /** Opens a connection over {@code output}; the transport then feeds it with {@link #received}. */
    public static Connection open(FrameOutput output, BrokerServices services) {
        Connection connection = new Connection(services.connections().newConnectionId(), output, services,
                RequestRouter.INSTANCE);
        services.connections().add(connection);
        LOG.debug("connection {} opened from {}", connection.id, output.describe());
        return connection;
    }

    public String id() {
        return id;
    }

    public String clientId() {
        return clientId;
    }

    void clientId(String clientId) {
        this.clientId = clientId;
    }

    State state() {
        return state;
    }

    /** The authenticated user, or null (authentication disabled). */
    public String user() {
        return user;
    }

    void user(String user) {
        this.user = user;
    }

    void opened() {
        if (state == State.AWAITING_HANDSHAKE) {
            state = State.OPEN;
        }
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** Still waiting for its HANDSHAKE (not open, not refused, not closed). */
    public boolean awaitingHandshake() {
        return state == State.AWAITING_HANDSHAKE;
    }

    BrokerServices services() {
        return services;
    }

    FrameOutput output() {
        return output;
    }

    Map<Long, SessionState> sessions() {
        return sessions;
    }

    Map<Long, ConsumerState> consumers() {
        return consumers;
    }

    Set<Destination> temporaries() {
        return temporaries;
    }

    /** Where this connection's requests run, one at a time: held pulls are answered there too. */
    SerialExecutor requests() {
        return executor;
    }

    /**
     * Checks that this connection's user may act with {@code permission} on a destination; nothing is checked
     * without authentication, nor on the connection's own temporary destinations.
     *
     * @throws RequestException SECURITY if denied
     */
    void authorize(Permission permission, DestinationRef.Kind kind, String name) {
        Authorizer authorizer = services.authorizer();
        if (authorizer == null) {
            return;
        }
        if (kind.isTemporary()) {
            Destination temporary = services.destinations().find(kind, name);
            if (temporary != null && id.equals(temporary.ownerConnectionId())) {
                return;
            }
        }
        authorizer.check(user, this, permission, kind, name);
    }

    // ------------------------------------------------------------------ transport events

    /** A frame from the client (any thread, e.g. an in-VM client's own); handled in order on the worker pool. */
    public void received(Frame frame) {
        handle(frame, false);
    }

    /**
     * A frame from the client, told on a network I/O thread. Requests that never block (SEND,
     * SEND_BATCH: validate and append; the answer is written when the flush completes) run right
     * here when the connection has nothing queued or running, which saves the wake-up of a worker
     * per request; everything else, and anything that queues behind earlier requests, goes to the
     * worker pool as {@link #received} does. Order and one-at-a-time handling are the same.
     */
    public void receivedOnIoThread(Frame frame) {
        handle(frame, true);
    }

    /** Both transports' way in, so a send meets the same queue bound whichever carried it. */
    private void handle(Frame frame, boolean mayRunHere) {
        if (state == State.CLOSED) {
            return;
        }
        long arrived = System.nanoTime();
        Runnable request = () -> router.route(this, frame, arrived);
        if (!SendRequests.isSend(frame)) {
            if (mayRunHere && ConsumerRequests.isAck(frame)) {
                // An ACK is short (in-memory positions, no I/O; the subscription's lock is held by claims only to
                // decide, their reads happen outside it): run here, it costs no worker wake-up, and its answer is
                // written by the I/O thread itself instead of being handed to it as a task. A consumer in
                // AUTO_ACKNOWLEDGE has one ACK per message, so this is two thread hand-offs less per message.
                executor.executeHereIfIdle(request);
            } else {
                executor.execute(request);
            }
        } else if (executor.queued() >= sendQueueCapacity) {
            // Answered at once, before it queues: the connection's requests are not worth waiting for.
            fail(frame, new RequestException(ErrorCode.BUSY, executor.queued() + " requests already wait on this "
                    + "connection (sendThreadPoolQueueCapacity " + sendQueueCapacity + "); back off and retry"));
        } else if (mayRunHere && !SendRequests.mayBlock(frame)) {
            executor.executeHereIfIdle(request);
        } else {
            executor.execute(request);
        }
    }

    /** The transport closed (peer gone, heartbeat lost, broker closing it): release everything. */
    public void transportClosed() {
        state = State.CLOSED;
        executor.execute(this::cleanUp);
    }

    /** Closes the connection from the broker's side. */
    public void close() {
        closeAfter(null);
    }

    /** Reports a connection-level error (CLOSE, ONEWAY|ERROR) and closes. */
    public void closeWithError(ErrorCode code, String message) {
        LOG.info("closing connection {} ({}): {} {}", id, output.describe(), code, message);
        closeAfter(Frame.connectionError(code, message));
    }

    /** Sends {@code last} (if not null), then closes; nothing is sent after it. */
    void closeAfter(Frame last) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (last != null) {
            output.sendAndClose(last);
        } else {
            output.close();
        }
        executor.execute(this::cleanUp);
    }

    /**
     * Refuses the handshake: {@code last} is sent and the connection closed after {@code delayMillis}
     * (a timer task, no thread waits); frames arriving meanwhile are ignored.
     */
    void refuseAfter(Frame last, long delayMillis) {
        if (delayMillis <= 0) {
            closeAfter(last);
            return;
        }
        if (state == State.CLOSED) {
            return;
        }
        state = State.REFUSED;
        try {
            services.timer().schedule(() -> closeAfter(last), delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeAfter(last);   // the broker is stopping
        }
    }

    // ------------------------------------------------------------------ answers

    /** Answers {@code request}; a ONEWAY request gets no answer. */
    void respond(Frame request, Map<String, String> headers, byte[] body) {
        if (!request.isOneway() && state != State.CLOSED) {
            output.send(Frame.responseTo(request, headers, body));
        }
    }

    void respond(Frame request) {
        respond(request, Map.of(), null);
    }

    /** Answers with a body written straight into the outbound buffer (see {@link FrameBody}). */
    void respondWritten(Frame request, Map<String, String> headers, FrameBody body) {
        if (!request.isOneway() && state != State.CLOSED) {
            output.send(Frame.writtenResponseTo(request, headers, body));
        }
    }

    /** Answers {@code request} with an error; a framing error code then closes the connection. */
    void fail(Frame request, RequestException error) {
        if (request.isOneway()) {
            LOG.warn("one-way {} on connection {} failed: {} {}", request, id, error.errorCode(), error.getMessage());
            if (error.closesConnection()) {
                closeWithError(error.errorCode(), error.getMessage());
            }
            return;
        }
        Frame answer = Frame.errorResponse(request, error.errorCode(), error.getMessage());
        if (error.closesConnection()) {
            LOG.info("closing connection {} after {}: {}", id, error.errorCode(), error.getMessage());
            closeAfter(answer);
        } else if (state != State.CLOSED) {
            output.send(answer);
        }
    }

    // ------------------------------------------------------------------ clean-up

    /** Runs once, in order after every request already received. */
    private void cleanUp() {
        if (cleanedUp) {
            return;
        }
        cleanedUp = true;
        for (SessionState session : new ArrayList<>(sessions.values())) {
            SessionRequests.release(this, session, List.of(), true);
            SessionRequests.endTransaction(this, session);
        }
        sessions.clear();
        consumers.clear();
        for (Destination temporary : temporaries) {
            services.destinations().delete(temporary);
        }
        temporaries.clear();
        String id = clientId;
        if (id != null) {
            services.connections().releaseClientId(id, this);
        }
        services.producerGroups().remove(this);
        services.connections().remove(this);
        LOG.debug("connection {} closed", this.id);
    }

    @Override
    public String toString() {
        return "connection " + id + " (" + output.describe() + ")";
    }
}
