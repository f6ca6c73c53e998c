package io.keelmq.protocol.frame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One unit of the wire protocol: a request, a response, or a one-way notice.
 *
 * <p>Immutable except for the body: the body array is kept and returned as is, because
 * copying a multi-megabyte body on every hand-over would double the cost of a send. Callers
 * must not modify an array after passing it in, nor the array they get from {@link #body()}.
 *
 * <p>An error frame (flag ERROR) carries the numeric {@link ErrorCode} in the header
 * {@value #ERROR_CODE_HEADER} and a UTF-8 explanation as its body, so the explanation is
 * not subject to the header size limit.
 */
public final class Frame {
    /** The protocol version this code speaks and writes. */
    public static final byte CURRENT_VERSION = 1;
    /** Header of an error frame holding {@link ErrorCode#code()} in decimal. */
    public static final String ERROR_CODE_HEADER = "errorCode";
    /**
     * Optional header of a HANDSHAKE answer: the client addresses ({@code host:port}, comma-separated, the master
     * first when known) of the brokers of the answering broker's replication group, as it knows them. A client that
     * fails over tries them after its URL's; a client that does not know the header ignores it.
     */
    public static final String GROUP_BROKERS_HEADER = "groupBrokers";

    private static final byte[] EMPTY = new byte[0];

    private final byte version;
    private final short code;
    private final long correlationId;
    private final byte flags;
    private final Map<String, String> headers;
    /** Null when the body is {@link #writtenBody}. */
    private final byte[] body;
    /** A body written when the frame is encoded (see {@link FrameBody}); null for an array body. */
    private final FrameBody writtenBody;
    /** {@link #writtenBody} in an array, made the first time {@link #body()} asks for it. */
    private volatile byte[] writtenBodyArray;

    /**
     * @param code the numeric request code; kept raw so that a frame with a code this peer
     *     does not know can still be framed and answered with {@link ErrorCode#UNKNOWN_REQUEST}
     * @param headers copied, in iteration order; keys and values must not be null
     * @param body kept without copying; null means empty
     * @throws IllegalArgumentException on an illegal flag combination or a null header key/value
     */
    public Frame(byte version, short code, long correlationId, int flags, Map<String, String> headers, byte[] body) {
        String flagProblem = FrameFlags.problem(flags);
        if (flagProblem != null) {
            throw new IllegalArgumentException(flagProblem);
        }
        this.version = version;
        this.code = code;
        this.correlationId = correlationId;
        this.flags = (byte) flags;
        this.headers = copyHeaders(headers);
        this.body = body == null ? EMPTY : body;
        this.writtenBody = null;
    }

    private Frame(Frame request, Map<String, String> headers, FrameBody body) {
        this.version = CURRENT_VERSION;
        this.code = request.code;
        this.correlationId = request.correlationId;
        this.flags = FrameFlags.RESPONSE;
        this.headers = copyHeaders(headers);
        this.body = null;
        this.writtenBody = body;
    }

    /** A request that expects a response with the same correlation id. */
    public static Frame request(RequestCode code, long correlationId, Map<String, String> headers, byte[] body) {
        return new Frame(CURRENT_VERSION, code.code(), correlationId, 0, headers, body);
    }

    /** A request that expects no response (heartbeat, fire-and-forget acknowledgement). */
    public static Frame oneway(RequestCode code, long correlationId, Map<String, String> headers, byte[] body) {
        return new Frame(CURRENT_VERSION, code.code(), correlationId, FrameFlags.ONEWAY, headers, body);
    }

    /**
     * The successful answer to {@code request} with a body written when the frame is encoded, not copied into an
     * array first (see {@link FrameBody}).
     *
     * @throws IllegalArgumentException as {@link #responseTo(Frame, Map, byte[])}
     */
    public static Frame writtenResponseTo(Frame request, Map<String, String> headers, FrameBody body) {
        requireAnswerable(request);
        return new Frame(request, headers, Objects.requireNonNull(body, "body"));
    }

    /**
     * The successful answer to {@code request}: same code and correlation id.
     *
     * @throws IllegalArgumentException if {@code request} is a response or one-way, since
     *     nobody waits for an answer to those
     */
    public static Frame responseTo(Frame request, Map<String, String> headers, byte[] body) {
        requireAnswerable(request);
        return new Frame(CURRENT_VERSION, request.code, request.correlationId, FrameFlags.RESPONSE, headers, body);
    }

    /**
     * The failed answer to {@code request}.
     *
     * @throws IllegalArgumentException if {@code request} is a response or one-way
     */
    public static Frame errorResponse(Frame request, ErrorCode error, String message) {
        requireAnswerable(request);
        return new Frame(CURRENT_VERSION, request.code, request.correlationId,
                FrameFlags.RESPONSE | FrameFlags.ERROR, errorHeaders(error), errorBody(message));
    }

    /**
     * An unsolicited error about the connection as a whole, such as a framing violation
     * for which there is no request to answer. Code {@link RequestCode#CLOSE} tells the peer
     * the connection is being closed; correlation id 0 matches no request.
     */
    public static Frame connectionError(ErrorCode error, String message) {
        return new Frame(CURRENT_VERSION, RequestCode.CLOSE.code(), 0L,
                FrameFlags.ONEWAY | FrameFlags.ERROR, errorHeaders(error), errorBody(message));
    }

    public byte version() {
        return version;
    }

    /** The raw request code; see {@link #requestCode()}. */
    public short code() {
        return code;
    }

    /**
     * The request code as an enum.
     *
     * @throws ProtocolException ({@link ErrorCode#UNKNOWN_REQUEST}) if this peer does not know the code
     */
    public RequestCode requestCode() {
        return RequestCode.fromCode(code);
    }

    public long correlationId() {
        return correlationId;
    }

    public byte flags() {
        return flags;
    }

    public boolean isResponse() {
        return FrameFlags.isSet(flags, FrameFlags.RESPONSE);
    }

    public boolean isOneway() {
        return FrameFlags.isSet(flags, FrameFlags.ONEWAY);
    }

    public boolean isError() {
        return FrameFlags.isSet(flags, FrameFlags.ERROR);
    }

    /** Unmodifiable, in the order they were given or received. */
    public Map<String, String> headers() {
        return headers;
    }

    public String header(String key) {
        return headers.get(key);
    }

    /**
     * The body, never null, not copied: do not modify. A body written at encoding ({@link FrameBody}) is put in an
     * array the first time it is asked for (the in-VM transport hands frames over without encoding them).
     */
    public byte[] body() {
        if (body != null) {
            return body;
        }
        byte[] array = writtenBodyArray;
        if (array == null) {
            array = new byte[writtenBody.length()];
            writtenBody.writeTo(Unpooled.wrappedBuffer(array).writerIndex(0));
            writtenBodyArray = array;
        }
        return array;
    }

    /** The body's length in bytes, without building a written body's array. */
    public int bodyLength() {
        return body != null ? body.length : writtenBody.length();
    }

    /** Appends the body to {@code out}: a written body straight from its source, not through an array. */
    public void writeBodyTo(ByteBuf out) {
        if (body != null) {
            out.writeBytes(body);
        } else {
            writtenBody.writeTo(out);
        }
    }

    /**
     * The error this frame reports, or null if it is not an error frame.
     *
     * @throws ProtocolException ({@link ErrorCode#MALFORMED_FRAME}) if an error frame lacks a
     *     valid {@value #ERROR_CODE_HEADER} header
     */
    public ErrorCode errorCode() {
        if (!isError()) {
            return null;
        }
        String value = headers.get(ERROR_CODE_HEADER);
        if (value == null) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME,
                    "error frame has no " + ERROR_CODE_HEADER + " header");
        }
        try {
            return ErrorCode.fromCode(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new ProtocolException(ErrorCode.MALFORMED_FRAME,
                    "error frame has non-numeric " + ERROR_CODE_HEADER + " '" + value + "'", e);
        }
    }

    /** The explanation of an error frame (its body as UTF-8), or null if it is not an error frame. */
    public String errorMessage() {
        if (!isError()) {
            return null;
        }
        byte[] message = body();
        return Utf8.decode(message, 0, message.length, "error message");
    }

    private static void requireAnswerable(Frame request) {
        if (request.isResponse() || request.isOneway()) {
            throw new IllegalArgumentException("cannot answer a frame flagged " + FrameFlags.describe(request.flags));
        }
    }

    private static Map<String, String> errorHeaders(ErrorCode error) {
        return Map.of(ERROR_CODE_HEADER, Integer.toString(error.code()));
    }

    private static byte[] errorBody(String message) {
        // Replacement rather than strictness: an error report must never fail to be built.
        return message == null ? EMPTY : message.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, String> copyHeaders(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return Collections.emptyMap();
        }
        Map<String, String> copy = new LinkedHashMap<>(headers.size() * 2);
        for (Map.Entry<String, String> e : headers.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException("header key and value must not be null: " + e);
            }
            copy.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(copy);
    }

    /** Equal frames have equal fields, the same headers (in any order) and equal body bytes. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Frame)) {
            return false;
        }
        Frame other = (Frame) o;
        return version == other.version && code == other.code && correlationId == other.correlationId
                && flags == other.flags && headers.equals(other.headers) && Arrays.equals(body(), other.body());
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, code, correlationId, flags, headers) * 31 + Arrays.hashCode(body());
    }

    @Override
    public String toString() {
        String name;
        try {
            name = requestCode().name();
        } catch (ProtocolException e) {
            name = "code " + code;
        }
        return "Frame[v" + version + " " + name + " #" + correlationId + " " + FrameFlags.describe(flags)
                + " headers=" + headers + " body=" + bodyLength() + " bytes]";
    }
}
