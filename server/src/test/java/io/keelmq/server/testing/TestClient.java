package io.keelmq.server.testing;

import io.keelmq.protocol.frame.ErrorCode;
import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.RequestCode;
import io.keelmq.protocol.frame.WireReader;
import io.keelmq.protocol.message.BodyType;
import io.keelmq.protocol.message.DestinationRef;
import io.keelmq.protocol.message.TextBody;
import io.keelmq.protocol.message.WireMessage;
import io.keelmq.protocol.message.WireMessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small blocking frame client for broker tests: a socket, a reader thread matching
 * answers to requests by correlation id, and helpers for the requests of the contract.
 */
public final class TestClient implements AutoCloseable {
    private static final long ANSWER_TIMEOUT_SECONDS = 30;

    private final Socket socket;
    private final OutputStream out;
    private final Map<Long, CompletableFuture<Frame>> pending = new ConcurrentHashMap<>();
    private final BlockingQueue<Frame> unsolicited = new LinkedBlockingQueue<>();
    private final AtomicLong correlation = new AtomicLong();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private String connectionId;

    private TestClient(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        Thread reader = new Thread(this::readLoop, "test-client-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static TestClient connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setTcpNoDelay(true);
        return new TestClient(socket);
    }

    /** Connects and completes a handshake (client id optional). */
    public static TestClient open(InetSocketAddress address, String clientId) throws IOException {
        TestClient client = connect(address);
        Frame answer = client.handshake(clientId);
        requireOk(answer);
        client.connectionId = answer.header("connectionId");
        return client;
    }

    public String connectionId() {
        return connectionId;
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            while (true) {
                int length = in.readInt();
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                ByteBuf buf = Unpooled.buffer(length + 4).writeInt(length).writeBytes(bytes);
                Frame frame = FrameCodec.decode(buf, FrameLimits.DEFAULT.withMaxFrameSize(Integer.MAX_VALUE - 16));
                CompletableFuture<Frame> waiter = frame.isResponse() ? pending.remove(frame.correlationId()) : null;
                if (waiter != null) {
                    waiter.complete(frame);
                } else {
                    unsolicited.add(frame);
                }
            }
        } catch (EOFException e) {
            // closed by the broker
        } catch (IOException | RuntimeException e) {
            // socket closed
        } finally {
            closed.complete(null);
            for (CompletableFuture<Frame> waiter : pending.values()) {
                waiter.completeExceptionally(new IOException("connection closed"));
            }
        }
    }

    // ------------------------------------------------------------------ raw access

    public synchronized void write(Frame frame) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(frame, buf);
        out.write(ByteBufUtil.getBytes(buf));
        out.flush();
    }

    public synchronized void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public CompletableFuture<Frame> requestAsync(RequestCode code, Map<String, String> headers, byte[] body)
            throws IOException {
        long id = correlation.incrementAndGet();
        CompletableFuture<Frame> answer = new CompletableFuture<>();
        pending.put(id, answer);
        write(Frame.request(code, id, headers, body));
        return answer;
    }

    public Frame request(RequestCode code, Map<String, String> headers, byte[] body) throws IOException {
        try {
            return requestAsync(code, headers, body).get(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException(code + " got no answer: " + e, e);
        }
    }

    public void oneway(RequestCode code, Map<String, String> headers, byte[] body) throws IOException {
        write(Frame.oneway(code, correlation.incrementAndGet(), headers, body));
    }

    /** The next frame that answers no request (heartbeat, connection error), or null after the timeout. */
    public Frame nextUnsolicited(long timeoutMillis) throws InterruptedException {
        return unsolicited.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Whether the broker closed the connection within the timeout. */
    public boolean awaitClosed(long timeoutMillis) {
        try {
            closed.get(timeoutMillis, TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    public static Frame requireOk(Frame answer) {
        if (answer.isError()) {
            throw new AssertionError("request failed: " + answer.errorCode() + " " + answer.errorMessage());
        }
        return answer;
    }

    public static ErrorCode errorOf(Frame answer) {
        return answer.isError() ? answer.errorCode() : null;
    }

    // ------------------------------------------------------------------ requests

    public Frame handshake(String clientId) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("protocolVersions", "1");
        if (clientId != null) {
            headers.put("clientId", clientId);
        }
        headers.put("heartbeatInterval", "30000");
        return request(RequestCode.HANDSHAKE, headers, null);
    }

    public void createSession(long sessionId, String ackMode) throws IOException {
        requireOk(request(RequestCode.CREATE_SESSION, Map.of("sessionId", Long.toString(sessionId), "ackMode", ackMode),
                null));
    }

    /** CREATE_CONSUMER with any extra headers (selector, durable, subscriptionName...). */
    public Frame createConsumer(long sessionId, long consumerId, DestinationRef.Kind kind, String destination,
                                Map<String, String> extra) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("sessionId", Long.toString(sessionId));
        headers.put("consumerId", Long.toString(consumerId));
        headers.put("destinationKind", kind.name());
        headers.put("destination", destination);
        headers.putAll(extra);
        return request(RequestCode.CREATE_CONSUMER, headers, null);
    }

    public Frame closeConsumer(long consumerId, byte[] undelivered) throws IOException {
        return request(RequestCode.CLOSE_CONSUMER, Map.of("consumerId", Long.toString(consumerId)), undelivered);
    }

    /** A persistent text message to {@code destination} with a fresh id. */
    public static WireMessage text(DestinationRef destination, String text) {
        WireMessage message = new WireMessage();
        message.setMessageId("ID:" + UUID.randomUUID());
        message.setTimestamp(System.currentTimeMillis());
        message.setDestination(destination);
        message.setDeliveryMode(WireMessage.PERSISTENT);
        message.setBody(BodyType.TEXT, TextBody.encode(text));
        return message;
    }

    public Frame send(WireMessage message) throws IOException {
        return send(message, false);
    }

    public Frame send(WireMessage message, boolean retry) throws IOException {
        return request(RequestCode.SEND, Map.of("sessionId", "1", "producerId", "1", "retry", Boolean.toString(retry)),
                WireMessageCodec.encode(message));
    }

    public Frame sendText(DestinationRef destination, String text) throws IOException {
        return requireOk(send(text(destination, text)));
    }

    public Frame pullFrame(long consumerId, int maxMessages, long holdMillis) throws IOException {
        return request(RequestCode.PULL, Map.of("consumerId", Long.toString(consumerId), "maxMessages",
                Integer.toString(maxMessages), "maxBytes", Long.toString(64L << 20), "holdMillis",
                Long.toString(holdMillis)), null);
    }

    public List<Delivered> pull(long consumerId, int maxMessages, long holdMillis) throws IOException {
        return deliveries(requireOk(pullFrame(consumerId, maxMessages, holdMillis)).body(), false).deliveries;
    }

    public void ack(long consumerId, List<Delivered> deliveries) throws IOException {
        ByteBuf body = Unpooled.buffer();
        body.writeInt(deliveries.size());
        for (Delivered delivery : deliveries) {
            body.writeInt(delivery.partition()).writeLong(delivery.offset());
        }
        requireOk(request(RequestCode.ACK, Map.of("consumerId", Long.toString(consumerId)),
                ByteBufUtil.getBytes(body)));
    }

    /** An undelivered list naming {@code deliveries} of {@code consumerId}. */
    public static byte[] undelivered(long consumerId, List<Delivered> deliveries) {
        ByteBuf body = Unpooled.buffer();
        body.writeInt(deliveries.size());
        for (Delivered delivery : deliveries) {
            body.writeLong(consumerId).writeInt(delivery.partition()).writeLong(delivery.offset());
        }
        return ByteBufUtil.getBytes(body);
    }

    /** A decoded PULL or BROWSE body. */
    public static final class Page {
        public final List<Delivered> deliveries = new ArrayList<>();
        public int nextPartition;
        public long nextOffset;
    }

    public static Page deliveries(byte[] body, boolean browse) {
        WireReader in = new WireReader(Unpooled.wrappedBuffer(body), "deliveries");
        Page page = new Page();
        int count = in.readCount("count");
        for (int i = 0; i < count; i++) {
            int partition = in.readInt("partition");
            long offset = in.readLong("offset");
            int deliveryCount = in.readInt("deliveryCount");
            byte[] message = in.readBytes(in.readInt("length"), "message");
            page.deliveries.add(new Delivered(partition, offset, deliveryCount, WireMessageCodec.decode(message)));
        }
        if (browse) {
            page.nextPartition = in.readInt("nextPartition");
            page.nextOffset = in.readLong("nextOffset");
        }
        if (in.remaining() != 0) {
            throw new AssertionError(in.remaining() + " bytes after the deliveries");
        }
        return page;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
