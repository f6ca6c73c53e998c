package io.keelmq.jms.provider;

import io.keelmq.jms.transport.Transport;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.ProtocolException;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.message.DestinationRef;
import jakarta.jms.JMSException;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one {@link Provider}: each method builds the request the contract describes (protocol/README.md, "Requests")
 * and reads its answer. Moving frames, correlating answers, timeouts and heartbeats are the {@link FrameChannel}'s
 * job, binary bodies {@link WireBodies}'; the {@link Transport} underneath decides only how frames travel, so TCP and
 * in-VM connections behave the same.
 */
public final class FrameProvider implements Provider {
    private static final String PROTOCOL_VERSIONS = Integer.toString(Frame.CURRENT_VERSION);

    private final FrameChannel channel;
    private final long requestTimeoutMillis;
    /** Each consumer's standing pull, by consumer id, while it stands. */
    private final Map<Long, StandingWindow> standingWindows = new ConcurrentHashMap<>();
    private volatile ConnectionInfo info;

    /** @param requestTimeoutMillis how long any request but SEND and PULL waits for its answer */
    public FrameProvider(Transport transport, long requestTimeoutMillis) {
        this.channel = new FrameChannel(transport);
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    // ---------------------------------------------------------------- connection

    @Override
    public ConnectionInfo connect(ConnectRequest request, ProviderListener listener) throws JMSException {
        channel.open(listener);
        Map<String, String> h = Headers.of("protocolVersions", PROTOCOL_VERSIONS);
        Headers.putIfSet(h, "clientId", request.clientId());
        Headers.putIfSet(h, "user", request.user());
        Headers.putIfSet(h, "password", request.password());
        h.put("heartbeatInterval", Long.toString(request.heartbeatIntervalMillis()));
        try {
            Frame answer = call(RequestCode.HANDSHAKE, h, null);
            info = new ConnectionInfo(Headers.requiredInt(answer, "protocolVersion"),
                    Headers.required(answer, "connectionId"), Headers.required(answer, "brokerVersion"),
                    Headers.requiredLong(answer, "heartbeatInterval"), answer.header("resourceManagerId"),
                    groupBrokers(answer.header(Frame.GROUP_BROKERS_HEADER)));
        } catch (ConnectionFailedException e) {
            channel.end();
            // A broker may refuse a connection before reading its HANDSHAKE (e.g. maxConnectionsPerAddress); when its
            // error arrives before the HANDSHAKE is sent, the request fails as "connection lost": report the reason.
            throw e.getCause() instanceof JMSException refusal && !(refusal instanceof ConnectionFailedException)
                    ? refusal : e;
        } catch (JMSException | RuntimeException e) {
            channel.end();
            throw e;
        }
        if (info.heartbeatIntervalMillis() > 0) {
            channel.startHeartbeats(info.heartbeatIntervalMillis());
        }
        return info;
    }

    /** The optional {@code groupBrokers} header: a comma-separated list of host:port; none is an empty list. */
    private static java.util.List<String> groupBrokers(String header) {
        if (header == null || header.isBlank()) {
            return java.util.List.of();
        }
        return java.util.Arrays.stream(header.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
    }

    @Override
    public ConnectionInfo connectionInfo() {
        return info;
    }

    @Override
    public void setClientId(String clientId) throws JMSException {
        call(RequestCode.SET_CLIENT_ID, Headers.of("clientId", clientId), null);
    }

    // ---------------------------------------------------------------- sessions and consumers

    @Override
    public void createSession(long sessionId, AckMode ackMode) throws JMSException {
        call(RequestCode.CREATE_SESSION, Headers.of("sessionId", Long.toString(sessionId), "ackMode",
                ackMode.name()), null);
    }

    @Override
    public void closeSession(long sessionId, List<Undelivered> undelivered) throws JMSException {
        call(RequestCode.CLOSE_SESSION, Headers.of("sessionId", Long.toString(sessionId)),
                WireBodies.undelivered(undelivered));
    }

    @Override
    public void createConsumer(ConsumerInfo c) throws JMSException {
        Map<String, String> h = Headers.of("sessionId", Long.toString(c.sessionId()),
                "consumerId", Long.toString(c.consumerId()));
        h.putAll(Headers.destination(c.destination()));
        if (c.selector() != null && !c.selector().isEmpty()) {
            h.put("selector", c.selector());
        }
        h.put("noLocal", Boolean.toString(c.noLocal()));
        Headers.putIfSet(h, "subscriptionName", c.subscriptionName());
        h.put("durable", Boolean.toString(c.durable()));
        h.put("shared", Boolean.toString(c.shared()));
        if (c.durable()) {
            Headers.putIfSet(h, "consumeFromWhere", c.consumeFromWhere());
            if (c.consumeTimestamp() > 0) {
                h.put("consumeTimestamp", Long.toString(c.consumeTimestamp()));
            }
        }
        call(RequestCode.CREATE_CONSUMER, h, null);
    }

    @Override
    public void closeConsumer(long consumerId, List<Undelivered> undelivered) throws JMSException {
        call(RequestCode.CLOSE_CONSUMER, Headers.of("consumerId", Long.toString(consumerId)),
                WireBodies.undelivered(undelivered));
    }

    // ---------------------------------------------------------------- sending

    @Override
    public void createProducer(long producerId, DestinationRef destination) throws JMSException {
        createProducer(producerId, destination, null);
    }

    @Override
    public void createProducer(long producerId, DestinationRef destination, String producerGroup)
            throws JMSException {
        Map<String, String> h = Headers.of("producerId", Long.toString(producerId));
        Headers.putIfSet(h, "producerGroup", producerGroup);
        h.putAll(Headers.destination(destination));
        call(RequestCode.CREATE_PRODUCER, h, null);
    }

    @Override
    public HalfSendResult sendHalf(SendRequest request, String producerGroup) throws JMSException {
        Map<String, String> h = Headers.of("sessionId", Long.toString(request.sessionId()),
                "producerId", Long.toString(request.producerId()), "producerGroup", producerGroup);
        Frame answer = channel.call(RequestCode.SEND, h, request.encodedMessage(), request.timeoutMillis());
        return new HalfSendResult(Headers.required(answer, "status"), Headers.required(answer, "messageId"),
                Headers.required(answer, "transactionId"));
    }

    @Override
    public String endTransaction(String transactionId, String decision, boolean fromCheck) throws JMSException {
        Frame answer = call(RequestCode.END_TRANSACTION, Headers.of("transactionId", transactionId,
                "decision", decision, "fromCheck", Boolean.toString(fromCheck)), null);
        return Headers.required(answer, "outcome");
    }

    @Override
    public SendResult send(SendRequest request) throws JMSException {
        CompletableFuture<SendResult> result = new CompletableFuture<>();
        send(request, true, new SendCallback() {
            @Override
            public void onSuccess(SendResult r) {
                result.complete(r);
            }

            @Override
            public void onFailure(JMSException e) {
                result.completeExceptionally(e);
            }
        });
        return channel.await(result);
    }

    @Override
    public void send(SendRequest request, SendCallback callback) {
        send(request, false, callback);
    }

    /** @param awaited the caller waits for the answer in {@code channel.await} (a synchronous send) */
    private void send(SendRequest request, boolean awaited, SendCallback callback) {
        Map<String, String> h = Headers.of("sessionId", Long.toString(request.sessionId()),
                "producerId", Long.toString(request.producerId()), "retry", Boolean.toString(request.retry()));
        if (request.oneway()) {
            channel.sendOneway(RequestCode.SEND, h, request.encodedMessage()).whenComplete((v, e) -> {
                if (e == null) {
                    callback.onSuccess(SendResult.UNCONFIRMED);
                } else {
                    callback.onFailure((JMSException) (e instanceof CompletionException ? e.getCause() : e));
                }
            });
            return;
        }
        channel.request(RequestCode.SEND, h, request.encodedMessage(), request.timeoutMillis(), awaited,
                new RequestTracker.Handler() {
                    @Override
                    public void onAnswer(Frame answer) throws JMSException {
                        callback.onSuccess(new SendResult(Headers.required(answer, "status"),
                                Headers.required(answer, "messageId"), Headers.requiredInt(answer, "partition"),
                                Headers.requiredLong(answer, "queueOffset")));
                    }

                    @Override
                    public void onFailure(JMSException e) {
                        callback.onFailure(e);
                    }
                });
    }

    // ---------------------------------------------------------------- consuming

    @Override
    public void pull(PullRequest p, DeliveryCallback callback) {
        Map<String, String> h = Headers.of("consumerId", Long.toString(p.consumerId()),
                "maxMessages", Integer.toString(p.maxMessages()), "maxBytes", Long.toString(p.maxBytes()),
                "holdMillis", Long.toString(p.holdMillis()));
        if (p.isStanding()) {
            h.put("standing", Long.toString(p.standingId()));
        }
        StandingWindow window = p.isStanding() ? new StandingWindow(channel, p) : null;
        if (window != null) {
            standingWindows.put(p.consumerId(), window);
        }
        // The broker may hold the request for holdMillis before answering, so that much is added to the timeout.
        long id = channel.request(RequestCode.PULL, h, null, p.holdMillis() + requestTimeoutMillis, false,
                new RequestTracker.Handler() {
                    @Override
                    public void onPartial(Frame answer) {
                        List<Delivery> deliveries = WireBodies.deliveries(answer.body());
                        if (window != null) {
                            window.received(deliveries);
                        }
                        callback.onPartial(deliveries);
                    }

                    @Override
                    public void onAnswer(Frame answer) {
                        ended();
                        callback.onDeliveries(WireBodies.deliveries(answer.body()));
                    }

                    @Override
                    public void onFailure(JMSException e) {
                        ended();
                        callback.onFailure(e);
                    }

                    private void ended() {
                        if (window != null) {
                            standingWindows.remove(p.consumerId(), window);
                        }
                    }
                });
        if (window != null) {
            window.sent(id);
        }
    }

    @Override
    public void credit(PullCredit c) {
        StandingWindow window = standingWindows.get(c.consumerId());
        if (window != null && window.standingId() == c.standingId()) {
            window.widen(c.messages(), c.bytes());
        }
        // Nothing to report if the write fails: the connection's failure ends the standing pull too.
        channel.sendOneway(RequestCode.CREDIT, Headers.of("consumerId", Long.toString(c.consumerId()),
                "standing", Long.toString(c.standingId()), "messages", Long.toString(c.messages()),
                "bytes", Long.toString(c.bytes())), null);
    }

    @Override
    public void acknowledge(long consumerId, List<Position> positions) throws JMSException {
        call(RequestCode.ACK, Map.of(), WireBodies.ack(consumerId, positions));
    }

    @Override
    public CompletableFuture<Void> acknowledgeAsync(long consumerId, List<Position> positions, boolean awaited) {
        return channel.answer(RequestCode.ACK, Map.of(), WireBodies.ack(consumerId, positions), requestTimeoutMillis,
                awaited).thenApply(answer -> null);
    }

    @Override
    public void await(CompletableFuture<Void> answer) throws JMSException {
        channel.await(answer);
    }

    /** The consumed list travels in the encoding of undelivered lists (protocol/README.md, "Transactions"). */
    @Override
    public void commit(long sessionId, List<Undelivered> consumed) throws JMSException {
        call(RequestCode.COMMIT, Headers.of("sessionId", Long.toString(sessionId)), WireBodies.undelivered(consumed));
    }

    @Override
    public void rollback(long sessionId, List<Undelivered> consumed, Runnable onAnswer) throws JMSException {
        releasing(RequestCode.ROLLBACK, sessionId, consumed, onAnswer);
    }

    @Override
    public void recover(long sessionId, List<Undelivered> undelivered, Runnable onAnswer) throws JMSException {
        releasing(RequestCode.RECOVER, sessionId, undelivered, onAnswer);
    }

    /**
     * RECOVER (body: the undelivered list) or ROLLBACK (body: the consumed list): {@code onAnswer} runs on the
     * transport thread before any later frame is handled.
     */
    private void releasing(RequestCode code, long sessionId, List<Undelivered> undelivered, Runnable onAnswer)
            throws JMSException {
        CompletableFuture<Frame> done = new CompletableFuture<>();
        channel.request(code, Headers.of("sessionId", Long.toString(sessionId)),
                WireBodies.undelivered(undelivered), requestTimeoutMillis, true, new RequestTracker.Handler() {
                    @Override
                    public void onAnswer(Frame answer) {
                        onAnswer.run();
                        done.complete(answer);
                    }

                    @Override
                    public void onFailure(JMSException e) {
                        done.completeExceptionally(e);
                    }
                });
        channel.await(done);
    }

    // ---------------------------------------------------------------- XA (protocol/README.md, "XA branches")

    @Override
    public void xaStart(long sessionId, XaBranchId xid, int flags, int timeoutSeconds) throws JMSException {
        Map<String, String> h = xid.headers();
        h.put("sessionId", Long.toString(sessionId));
        h.put("flags", Integer.toString(flags));
        h.put("timeout", Integer.toString(timeoutSeconds));
        call(RequestCode.XA_START, h, null);
    }

    @Override
    public void xaEnd(long sessionId, XaBranchId xid, int flags, List<Undelivered> consumed) throws JMSException {
        Map<String, String> h = xid.headers();
        h.put("sessionId", Long.toString(sessionId));
        h.put("flags", Integer.toString(flags));
        call(RequestCode.XA_END, h, WireBodies.undelivered(consumed));
    }

    @Override
    public boolean xaPrepare(XaBranchId xid) throws JMSException {
        return "RDONLY".equals(call(RequestCode.XA_PREPARE, xid.headers(), null).header("vote"));
    }

    @Override
    public void xaCommit(XaBranchId xid, boolean onePhase) throws JMSException {
        Map<String, String> h = xid.headers();
        h.put("onePhase", Boolean.toString(onePhase));
        call(RequestCode.XA_COMMIT, h, null);
    }

    @Override
    public void xaRollback(XaBranchId xid) throws JMSException {
        call(RequestCode.XA_ROLLBACK, xid.headers(), null);
    }

    @Override
    public void xaForget(XaBranchId xid) throws JMSException {
        call(RequestCode.XA_FORGET, xid.headers(), null);
    }

    @Override
    public List<XaBranchId> xaRecover() throws JMSException {
        Frame answer = call(RequestCode.XA_RECOVER, Headers.of(), null);
        String text = answer.body() == null ? "" : new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8);
        List<XaBranchId> xids = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                try {
                    xids.add(XaBranchId.parse(line));
                } catch (IllegalArgumentException e) {
                    throw Headers.malformed(RequestCode.XA_RECOVER, e.getMessage());
                }
            }
        }
        return xids;
    }

    @Override
    public void unsubscribe(String subscriptionName) throws JMSException {
        call(RequestCode.UNSUBSCRIBE, Headers.of("subscriptionName", subscriptionName), null);
    }

    /** Sends {@code destinationKind} (optional in the contract) because a temporary queue and a queue may share a name. */
    @Override
    public BrowsePage browse(BrowseRequest b) throws JMSException {
        Map<String, String> h = Headers.of("destination", b.queue().name(), "destinationKind",
                b.queue().kind().name());
        if (b.selector() != null && !b.selector().isEmpty()) {
            h.put("selector", b.selector());
        }
        h.put("fromPartition", Integer.toString(b.fromPartition()));
        h.put("fromOffset", Long.toString(b.fromOffset()));
        h.put("maxMessages", Integer.toString(b.maxMessages()));
        Frame answer = call(RequestCode.BROWSE, h, null);
        try {
            return WireBodies.browsePage(answer.body());
        } catch (ProtocolException e) {
            throw Headers.malformed(RequestCode.BROWSE, e.getMessage());
        }
    }

    @Override
    public void createDestination(DestinationRef destination) throws JMSException {
        call(RequestCode.CREATE_DESTINATION, Headers.destination(destination), null);
    }

    @Override
    public void deleteDestination(DestinationRef destination) throws JMSException {
        call(RequestCode.DELETE_DESTINATION, Headers.destination(destination), null);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public boolean isClosed() {
        return channel.isEnded();
    }

    @Override
    public void close() {
        channel.close(requestTimeoutMillis);
    }

    private Frame call(RequestCode code, Map<String, String> headers, byte[] body) throws JMSException {
        return channel.call(code, headers, body, requestTimeoutMillis);
    }
}
