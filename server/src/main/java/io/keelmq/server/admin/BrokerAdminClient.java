package io.keelmq.server.admin;

import io.keelmq.protocol.frame.Frame;
import io.keelmq.protocol.frame.FrameCodec;
import io.keelmq.protocol.frame.FrameLimits;
import io.keelmq.protocol.frame.RequestCode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker end of {@code keel-admin --url ...}: one blocking TCP connection that performs the HANDSHAKE and then
 * sends ADMIN requests, one at a time. Deliberately tiny (no JMS client: the server module does not depend on it).
 */
final class BrokerAdminClient implements AutoCloseable {
    static final int DEFAULT_PORT = 10911;
    private static final int TIMEOUT_MILLIS = 30_000;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long correlation;

    private BrokerAdminClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to {@code keel://host[:port]} and logs in ({@code user} null: no credentials). */
    static BrokerAdminClient connect(String url, String user, String password) throws IOException {
        InetSocketAddress address = address(url);
        Socket socket = new Socket();
        try {
            socket.connect(address, TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            BrokerAdminClient client = new BrokerAdminClient(socket);
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("protocolVersions", Integer.toString(Frame.CURRENT_VERSION));
            if (user != null) {
                headers.put("user", user);
                headers.put("password", password == null ? "" : password);
            }
            client.call(RequestCode.HANDSHAKE, headers);
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    static InetSocketAddress address(String url) {
        URI uri = URI.create(url);
        if (!"keel".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("bad --url '" + url + "': expected keel://host:port");
        }
        return new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort());
    }

    /** ADMIN {@code destination-list}. */
    List<DestinationSummary> listDestinations() throws IOException {
        return DestinationSummary.decode(call(RequestCode.ADMIN, Map.of("command", "destination-list")).body());
    }

    /** ADMIN {@code message-query}; {@code headers} are the query's (key, messageId, destination, from, to, limit). */
    List<FoundMessage> queryMessages(Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("command", "message-query");
        return FoundMessage.decode(call(RequestCode.ADMIN, all).body());
    }

    /** ADMIN {@code subscription-list}. */
    List<SubscriptionSummary> listSubscriptions() throws IOException {
        return SubscriptionSummary.decode(call(RequestCode.ADMIN, Map.of("command", "subscription-list")).body());
    }

    /** ADMIN {@code subscription-reset}; {@code headers} name the queue or subscription and the timestamp. */
    List<PositionChange> resetSubscription(Map<String, String> headers) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.put("command", "subscription-reset");
        return PositionChange.decode(call(RequestCode.ADMIN, all).body());
    }

    /** ADMIN {@code dlq-list} of dead-letter queue {@code queue} ({@code id}, {@code limit}: null for all). */
    List<DeadLetterSummary> listDeadLetters(String queue, String id, Integer limit) throws IOException {
        Frame answer = call(RequestCode.ADMIN, deadLetterHeaders("dlq-list", queue, id, limit));
        return DeadLetterSummary.decode(answer.body());
    }

    /** ADMIN {@code dlq-resend} or {@code dlq-purge}: returns how many messages it moved or removed. */
    int moveDeadLetters(String command, String queue, String id, Integer limit) throws IOException {
        Frame answer = call(RequestCode.ADMIN, deadLetterHeaders(command, queue, id, limit));
        try {
            return Integer.parseInt(answer.header("count"));
        } catch (NumberFormatException e) {
            throw new IOException("the broker answered " + command + " without a count");
        }
    }

    /** ADMIN {@code transaction-list}. */
    List<TransactionSummary> listTransactions() throws IOException {
        return TransactionSummary.decode(call(RequestCode.ADMIN, Map.of("command", "transaction-list")).body());
    }

    /**
     * ADMIN {@code transaction-commit} or {@code transaction-rollback}; {@code target} names the transaction
     * ({@code id}). Returns the outcome ({@code COMMITTED}, {@code ROLLED_BACK}).
     */
    String decideTransaction(String command, Map<String, String> target) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>(target);
        headers.put("command", command);
        return call(RequestCode.ADMIN, headers).header("outcome");
    }

    /** ADMIN ha-status or ha-elect: the broker's text answer. */
    String ha(Map<String, String> headers) throws IOException {
        byte[] body = call(RequestCode.ADMIN, headers).body();
        return body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, String> deadLetterHeaders(String command, String queue, String id, Integer limit) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("command", command);
        headers.put("queue", queue);
        if (id != null) {
            headers.put("id", id);
        }
        if (limit != null) {
            headers.put("limit", limit.toString());
        }
        return headers;
    }

    /** Sends a request and waits for its answer; an error answer or connection error is an IOException. */
    private Frame call(RequestCode code, Map<String, String> headers) throws IOException {
        long id = ++correlation;
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(Frame.request(code, id, headers, null), buf);
        out.write(ByteBufUtil.getBytes(buf));
        out.flush();
        while (true) {
            int length = in.readInt();
            if (length < 0 || length > FrameLimits.DEFAULT_MAX_FRAME_SIZE) {
                throw new IOException("the broker sent a frame of " + length + " bytes");
            }
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            Frame frame = FrameCodec.decode(Unpooled.buffer(length + 4).writeInt(length).writeBytes(bytes),
                    FrameLimits.DEFAULT);
            if (frame.isError() && (frame.correlationId() == id || frame.isOneway())) {
                throw new IOException(code + " failed with " + frame.errorCode() + ": " + frame.errorMessage());
            }
            if (frame.isResponse() && frame.correlationId() == id) {
                return frame;
            }
            // anything else (a heartbeat) is not an answer
        }
    }

    @Override
    public void close() throws IOException {
        try {
            call(RequestCode.CLOSE, Map.of());
        } catch (IOException e) {
            // the broker closes the connection after answering CLOSE; nothing is left to release
        } finally {
            socket.close();
        }
    }
}
