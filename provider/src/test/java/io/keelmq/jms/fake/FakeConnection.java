package io.keelmq.jms.fake;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.keelmq.protocol.vm.FrameSink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One client connection of the {@link FakeBroker}: the connection, session and sending requests; consuming ones
 * are in {@link FakeConsuming}. Everything runs under the broker's lock; answers go to the client's sink, which queues
 * them (the client's in-VM transport has its own inbound thread).
 */
final class FakeConnection implements FrameSink {
    private static final Set<String> ACK_MODES = Set.of("AUTO", "CLIENT", "DUPS_OK", "TRANSACTED", "INDIVIDUAL");
    private static final Set<String> STATUSES =
            Set.of("SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE");

    final FakeBroker broker;
    final String connectionId;
    private final FrameSink toClient;
    final Map<Long, String> sessions = new LinkedHashMap<>();
    final Map<Long, FakeConsumer> consumers = new LinkedHashMap<>();
    final Map<Long, FakeConsumer> closedConsumers = new LinkedHashMap<>();
    private final FakeConsuming consuming;
    /** Work to do after the current answer is written (waking held pulls), so the answer goes out first. */
    final List<Runnable> afterAnswer = new ArrayList<>();
    boolean handshaken;
    boolean closed;
    String clientId;
    private java.util.concurrent.ScheduledFuture<?> heartbeats;

    FakeConnection(FakeBroker broker, FrameSink toClient, String connectionId) {
        this.broker = broker;
        this.toClient = toClient;
        this.connectionId = connectionId;
        this.consuming = new FakeConsuming(this);
    }

    @Override
    public void accept(Frame frame) {
        synchronized (broker) {
            broker.record(this, frame);
            if (closed) {
                broker.violation("frame after the connection closed: " + frame);
                return;
            }
            if (broker.isSilent() || frame.isResponse()) {
                return;
            }
            handle(frame);
        }
    }

    @Override
    public void closed() {
        synchronized (broker) {
            if (!closed) {
                disconnect(false);
            }
        }
    }

    private void handle(Frame frame) {
        RequestCode code;
        try {
            code = frame.requestCode();
        } catch (ProtocolException e) {
            answer(frame, Frame.errorResponse(frame, ErrorCode.UNKNOWN_REQUEST, e.getMessage()));
            return;
        }
        if (!handshaken && code != RequestCode.HANDSHAKE) {
            broker.violation("first frame is " + code + ", not HANDSHAKE");
            answer(frame, Frame.errorResponse(frame, ErrorCode.ILLEGAL_STATE, "handshake first"));
            disconnect(true);
            return;
        }
        if (frame.isOneway() && code != RequestCode.HEARTBEAT && code != RequestCode.SEND
                && code != RequestCode.CREDIT) {
            broker.violation("unexpected oneway " + code);
        }
        Object[] failure = broker.takeFailure(code);
        if (failure != null) {
            answer(frame, Frame.errorResponse(frame, (ErrorCode) failure[0], (String) failure[1]));
            return;
        }
        boolean dropAnswer = broker.takeDroppedAnswer(code);
        afterAnswer.clear();
        try {
            Frame answer = dispatch(code, frame, new FakeHeaders(broker, frame));
            if (answer != null && !dropAnswer) {
                answer(frame, answer);
            }
        } catch (Refusal r) {
            answer(frame, Frame.errorResponse(frame, r.code, r.getMessage()));
        } catch (ProtocolException e) {
            broker.violation(code + ": malformed body: " + e.getMessage());
            answer(frame, Frame.errorResponse(frame, ErrorCode.MALFORMED_FRAME, e.getMessage()));
        }
        List<Runnable> work = new ArrayList<>(afterAnswer);
        afterAnswer.clear();
        work.forEach(Runnable::run);
    }

    private Frame dispatch(RequestCode code, Frame f, FakeHeaders h) {
        return switch (code) {
            case HANDSHAKE -> handshake(f, h);
            case SET_CLIENT_ID -> setClientId(f, h);
            case HEARTBEAT -> f.isOneway() ? null : ok(f);
            case CLOSE -> {
                afterAnswer.add(() -> disconnect(true));
                yield ok(f);
            }
            case CREATE_SESSION -> createSession(f, h);
            case CLOSE_SESSION -> consuming.closeSession(f, h);
            case SEND -> send(f, h);
            case CREATE_CONSUMER -> consuming.createConsumer(f, h);
            case CLOSE_CONSUMER -> consuming.closeConsumer(f, h);
            case PULL -> consuming.pull(f, h);
            case CREDIT -> consuming.credit(f, h);
            case ACK -> consuming.ack(f, h);
            case RECOVER -> consuming.recover(f, h);
            case COMMIT -> consuming.commit(f, h);
            case ROLLBACK -> consuming.rollback(f, h);
            case UNSUBSCRIBE -> consuming.unsubscribe(f, h);
            case BROWSE -> consuming.browse(f, h);
            case CREATE_DESTINATION -> createDestination(f, h);
            case DELETE_DESTINATION -> deleteDestination(f, h);
            case CREATE_PRODUCER -> createProducer(f, h);
            default -> throw h.violation("the client sent " + code + ", which it has no business sending yet");
        };
    }

    // ---------------------------------------------------------------- connection and sessions

    private Frame handshake(Frame f, FakeHeaders h) {
        if (handshaken) {
            throw h.violation("second HANDSHAKE");
        }
        if (!Arrays.asList(h.required("protocolVersions").split(",")).contains("1")) {
            throw new Refusal(ErrorCode.UNSUPPORTED_VERSION, "no common protocol version");
        }
        long proposed = h.requiredLong("heartbeatInterval");
        if (broker.requiredPassword != null && !broker.requiredPassword.equals(h.optional("password"))) {
            throw new Refusal(ErrorCode.SECURITY, "user " + h.optional("user") + " is not authorised");
        }
        String id = h.optional("clientId");
        if (id != null && broker.clientIds.containsKey(id)) {
            throw new Refusal(ErrorCode.INVALID_CLIENT_ID, "client id '" + id + "' is in use");
        }
        if (id != null) {
            broker.clientIds.put(id, this);
            clientId = id;
        }
        handshaken = true;
        long agreed = broker.heartbeatInterval >= 0 ? broker.heartbeatInterval : proposed;
        if (agreed > 0) {
            // The broker's half of the heartbeat rule; a silent broker (goSilent) stops sending them.
            long period = Math.max(1, agreed / 2);
            heartbeats = broker.timer.scheduleAtFixedRate(() -> {
                synchronized (broker) {
                    if (!closed && !broker.isSilent()) {
                        send(Frame.oneway(RequestCode.HEARTBEAT, 0, null, null));
                    }
                }
            }, period, period, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        Map<String, String> answer = new java.util.HashMap<>(Map.of("protocolVersion", "1", "connectionId",
                connectionId, "brokerVersion", "fake-1", "heartbeatInterval", Long.toString(agreed)));
        if (broker.resourceManagerId != null) {
            answer.put("resourceManagerId", broker.resourceManagerId);
        }
        return Frame.responseTo(f, answer, null);
    }

    private Frame setClientId(Frame f, FakeHeaders h) {
        String id = h.required("clientId");
        if (clientId != null) {
            throw new Refusal(ErrorCode.ILLEGAL_STATE, "client id already set to " + clientId);
        }
        if (broker.clientIds.containsKey(id)) {
            throw new Refusal(ErrorCode.INVALID_CLIENT_ID, "client id '" + id + "' is in use");
        }
        broker.clientIds.put(id, this);
        clientId = id;
        return ok(f);
    }

    private Frame createSession(Frame f, FakeHeaders h) {
        long id = h.requiredLong("sessionId");
        String ackMode = h.required("ackMode");
        if (!ACK_MODES.contains(ackMode)) {
            throw h.violation("unknown ackMode " + ackMode);
        }
        if (sessions.containsKey(id)) {
            throw h.violation("session id " + id + " reused");
        }
        sessions.put(id, ackMode);
        return ok(f);
    }

    // ---------------------------------------------------------------- sending

    private Frame send(Frame f, FakeHeaders h) {
        long sessionId = h.requiredLong("sessionId");
        h.requiredLong("producerId");
        boolean retry = h.optionalBool("retry", false);
        if (!sessions.containsKey(sessionId)) {
            throw h.violation("SEND on unknown session " + sessionId);
        }
        WireMessage message = WireMessageCodec.decode(f.body());
        if (message.getMessageId() == null || message.getDestination() == null) {
            throw h.violation("a sent message needs a messageId and a destination: " + message);
        }
        if (f.isOneway() && message.getDeliveryMode() == WireMessage.PERSISTENT) {
            broker.violation("PERSISTENT message sent ONEWAY: " + message.getMessageId());
        }
        if (f.body().length > broker.maxMessageSize) {
            throw new Refusal(ErrorCode.MESSAGE_TOO_LARGE, "message of " + f.body().length
                    + " bytes exceeds maxMessageSize " + broker.maxMessageSize);
        }
        if (!broker.store.exists(message.getDestination())) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no destination " + message.getDestination());
        }
        FakeStore.Stored stored = retry ? broker.store.stored(message.getMessageId()) : null;
        String status = "SEND_OK";
        if (stored == null) {
            List<FakeSubscription> touched = new ArrayList<>();
            stored = broker.store.append(message, connectionId, touched);
            status = f.isOneway() ? "SEND_OK" : broker.nextSendStatus();
            if (!STATUSES.contains(status)) {
                throw new IllegalStateException("test configured an unknown status " + status);
            }
            afterAnswer.add(() -> touched.forEach(FakeConsuming::wake));
        }
        if (f.isOneway()) {
            return null;
        }
        return Frame.responseTo(f, Map.of("status", status, "messageId", message.getMessageId(),
                "partition", Integer.toString(stored.partition()), "queueOffset", Long.toString(stored.offset())),
                null);
    }

    // ---------------------------------------------------------------- temporary destinations

    /** Checks the headers; the fake broker has no permissions (a refusal is staged with failNext). */
    private Frame createProducer(Frame f, FakeHeaders h) {
        h.requiredLong("producerId");
        h.destination("destinationKind", "destination", null);
        return ok(f);
    }

    private Frame createDestination(Frame f, FakeHeaders h) {
        DestinationRef ref = h.destination("destinationKind", "destination", null);
        String key = FakeStore.key(ref);
        if (ref.kind().isTemporary()) {
            FakeConnection owner = broker.store.temporaries.get(key);
            if (owner != null && owner != this) {
                throw new Refusal(ErrorCode.ILLEGAL_STATE, key + " belongs to another connection");
            }
            broker.store.temporaries.put(key, this);
        }
        if (ref.kind().isQueue()) {
            broker.store.queue(ref);
        }
        return ok(f);
    }

    private Frame deleteDestination(Frame f, FakeHeaders h) {
        DestinationRef ref = h.destination("destinationKind", "destination", null);
        String key = FakeStore.key(ref);
        if (ref.kind().isTemporary() && !broker.store.temporaries.containsKey(key)) {
            throw new Refusal(ErrorCode.NOT_FOUND, "no destination " + key);
        }
        for (FakeConnection c : broker.connections) {
            for (FakeConsumer consumer : c.consumers.values()) {
                if (consumer.subscription.destination.equals(ref)) {
                    throw new Refusal(ErrorCode.ILLEGAL_STATE, key + " still has a consumer");
                }
            }
        }
        broker.store.temporaries.remove(key);
        broker.store.queues.remove(key);
        return ok(f);
    }

    // ---------------------------------------------------------------- connection end

    /** The connection ends: everything it held in flight is released with an increment (contract). */
    void disconnect(boolean tellClient) {
        if (closed) {
            return;
        }
        closed = true;
        if (heartbeats != null) {
            heartbeats.cancel(false);
        }
        for (Long sessionId : new ArrayList<>(sessions.keySet())) {
            consuming.endSession(sessionId, List.of());
        }
        broker.store.temporaries.values().removeIf(owner -> owner == this);
        if (clientId != null) {
            broker.clientIds.remove(clientId, this);
        }
        if (tellClient) {
            toClient.closed();
        }
        for (FakeSubscription s : broker.store.allSubscriptions()) {
            FakeConsuming.wake(s);
        }
    }

    // ---------------------------------------------------------------- plumbing

    static Frame ok(Frame request) {
        return Frame.responseTo(request, null, null);
    }

    private void answer(Frame request, Frame answer) {
        if (!request.isOneway()) {
            send(answer);
        }
    }

    void send(Frame frame) {
        if (!closed) {
            toClient.accept(frame);
        }
    }
}
