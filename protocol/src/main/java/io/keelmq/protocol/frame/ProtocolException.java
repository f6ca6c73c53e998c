package io.keelmq.protocol.frame;

import java.util.Objects;

/**
 * A peer broke the protocol: the bytes received cannot be decoded, or they exceed a limit.
 *
 * <p>Unchecked, because it is thrown from deep inside codecs (and from lambdas of callers)
 * where every caller would only rethrow it. The server turns it into an error frame carrying
 * {@link #errorCode()} and closes the connection, since after a framing error the byte
 * stream can no longer be trusted. The message always names the violated rule or limit,
 * so that the log line alone explains the disconnect.
 *
 * <p>Netty wraps exceptions thrown by a decoder in a {@code DecoderException}; use
 * {@link #findIn(Throwable)} to recover this exception from a pipeline's
 * {@code exceptionCaught}.
 */
public class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public ProtocolException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public ProtocolException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The code to report to the peer. */
    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The first ProtocolException in the cause chain of {@code t}, or null if there is none. */
    public static ProtocolException findIn(Throwable t) {
        for (Throwable cur = t; cur != null; cur = cur.getCause()) {
            if (cur instanceof ProtocolException) {
                return (ProtocolException) cur;
            }
            if (cur.getCause() == cur) {
                break;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return getClass().getName() + "[" + errorCode + "]: " + getMessage();
    }
}
