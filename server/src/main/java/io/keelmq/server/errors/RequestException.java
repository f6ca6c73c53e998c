package io.keelmq.server.errors;

import io.keelmq.protocol.frame.ErrorCode;

/**
 * One request failed for a reason the client is told: the error response carries
 * {@link #errorCode()} and the message. The connection carries on, unless the code is a
 * framing code (below 100), after which the contract closes it.
 */
public final class RequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public RequestException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public RequestException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** Framing codes (1-99) end the connection after the answer. */
    public boolean closesConnection() {
        return errorCode.code() < 100;
    }

    public static RequestException notFound(String message) {
        return new RequestException(ErrorCode.NOT_FOUND, message);
    }

    public static RequestException illegalState(String message) {
        return new RequestException(ErrorCode.ILLEGAL_STATE, message);
    }
}
